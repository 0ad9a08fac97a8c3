// The record form's "Named in the passage" suggestions are links that reopen the form
// with the party, issue or date in the query string. Here a click applies it in place
// instead, so that nothing typed is lost: it sets the drop-down, selects the option of
// a multiple choice, ticks its box (adding to what is chosen) or fills the date's text
// box, and says so in the live region. A "change" event follows, as if chosen by hand, so the "Previous
// statement" panel follows the choice. A field it cannot find is left to the link.
(() => {
  const box = document.getElementById("suggestions");
  if (!box) return;
  const status = box.querySelector(".suggestion-status");
  const apply = (field, value) => {
    const control = document.querySelector(`[name="${CSS.escape(field)}"]`);
    if (!control) return null;
    if (control.tagName === "SELECT") {
      const option = [...control.options].find((o) => o.value === value);
      if (!option) return null;
      option.selected = true;
      return control;
    }
    if (control.tagName === "INPUT" && control.type === "text") {
      control.value = value;
      return control;
    }
    const tick = document.querySelector(
      `input[name="${CSS.escape(field)}"][value="${CSS.escape(value)}"]`,
    );
    if (!tick) return null;
    tick.checked = true;
    return tick;
  };
  box.addEventListener("click", (event) => {
    const link = event.target.closest("a.use-suggestion[data-field]");
    if (!link) return;
    const control = apply(link.dataset.field, link.dataset.value);
    if (!control) return;
    event.preventDefault();
    control.dispatchEvent(new Event("change", { bubbles: true }));
    if (status) {
      // Emptied first so that using the same suggestion twice is announced twice.
      status.textContent = "";
      requestAnimationFrame(() => {
        status.textContent = link.dataset.done;
      });
    }
  });
})();
