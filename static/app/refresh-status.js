// Progressive enhancement for progress pages: reload the status region every 3 seconds until
// the job is finished. Without JavaScript the "Refresh to see progress" link does the same.
const region = document.querySelector("[data-refresh-status]");
async function poll() {
  const response = await fetch(window.location.href, { headers: { "X-Requested-With": "fetch" } });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById(region.id);
  if (!fresh) {
    window.location.reload();  // the job finished and the page changed shape
    return;
  }
  region.innerHTML = fresh.innerHTML;
  if (fresh.dataset.finished !== "true") setTimeout(poll, 3000);
}
if (region && region.dataset.finished !== "true") setTimeout(poll, 3000);
