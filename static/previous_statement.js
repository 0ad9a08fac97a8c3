// The record form's "Previous statement" panel follows the party and issue chosen:
// when either changes, the panel is fetched again (JSON holding the panel's HTML, made
// and escaped by the server). Without JavaScript the panel shows what the page was
// opened with, and is brought up to date when the form is sent back with errors.
(() => {
  const aside = document.querySelector("aside.previous[data-previous-url]");
  const party = document.getElementById("id_party");
  const issue = document.getElementById("id_issue");
  if (!aside || !party || !issue) return;
  const body = aside.querySelector(".previous-body");
  let asked = 0;
  const refresh = async () => {
    const ask = ++asked;
    const query = new URLSearchParams({ party: party.value, issue: issue.value });
    try {
      const response = await fetch(`${aside.dataset.previousUrl}?${query}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok || ask !== asked) return;
      const data = await response.json();
      if (ask === asked) body.innerHTML = data.html;
    } catch (error) {
      // Offline or refused: the panel keeps what it showed.
    }
  };
  party.addEventListener("change", refresh);
  issue.addEventListener("change", refresh);
})();
