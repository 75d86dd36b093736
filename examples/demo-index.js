// The demo page's customer picker: switching the attribute re-renders the portal.
const select = document.getElementById("scenario");
const portal = document.getElementById("portal");
const fromHash = new URLSearchParams(location.hash.slice(1)).get("scenario");
if (fromHash) {
  select.value = fromHash;
  portal.setAttribute("scenario", fromHash);
}
select.addEventListener("change", () => {
  portal.setAttribute("scenario", select.value);
  history.replaceState(null, "", `#scenario=${select.value}`);
});
