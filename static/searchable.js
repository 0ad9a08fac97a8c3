// The source finder: as an analyst types in a source box, suggestions come from
// /sources/find.json (every source, not only the newest) into the box's datalist.
// Picking one puts "title (outlet, date) · uid" in the box, which the form reads by the
// uid. Without JavaScript the same box takes a uid or words of the title.
document.querySelectorAll("input.source-finder[data-find]").forEach((box, n) => {
  const list = document.createElement("datalist");
  list.id = `source-finder-${n}`;
  box.after(list);
  box.setAttribute("list", list.id);
  let timer = null;
  let asked = "";
  box.addEventListener("input", () => {
    clearTimeout(timer);
    const q = box.value.trim();
    if (q.length < 2 || q === asked || q.includes(" · ")) return;
    timer = setTimeout(async () => {
      asked = q;
      const response = await fetch(`${box.dataset.find}?q=${encodeURIComponent(q)}`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok || box.value.trim() !== q) return;
      const { results } = await response.json();
      list.replaceChildren(
        ...results.map((source) => {
          const option = document.createElement("option");
          option.value = source.label;
          return option;
        }),
      );
    }, 200);
  });
});
