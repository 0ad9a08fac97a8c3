// Adds a filter box above each <select class="searchable">, so a long list of
// sources can be narrowed by typing. Without JavaScript the plain select still works.
document.querySelectorAll("select.searchable").forEach((select) => {
  const box = document.createElement("input");
  box.type = "search";
  box.placeholder = "Type to filter sources";
  box.setAttribute("aria-label", "Filter the list of sources");
  select.before(box);
  box.addEventListener("input", () => {
    const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const option of select.options) {
      if (!option.value) continue;
      const text = option.text.toLowerCase();
      option.hidden = !words.every((w) => text.includes(w));
    }
  });
});
