// Progressive enhancement for forms that choose a body and the rule fixing its deadline: offer
// only the rules that bind the chosen body (each rule's option lists the kinds it binds; an
// empty list binds any body). Without JavaScript every rule is listed and the server refuses a
// rule that does not bind the body, naming both.
for (const duty of document.querySelectorAll("select[data-binds-from]")) {
  const body = document.getElementById(duty.dataset.bindsFrom);
  if (!body) continue;
  const filter = () => {
    const kind = body.selectedOptions[0]?.dataset.kind;
    for (const option of duty.options) {
      if (!option.value) continue;
      const binds = (option.dataset.binds || "").split(" ").filter(Boolean);
      const fits = !kind || binds.length === 0 || binds.includes(kind);
      option.hidden = !fits;
      option.disabled = !fits;
    }
    if (duty.selectedOptions[0]?.disabled) duty.value = "";
  };
  body.addEventListener("change", filter);
  filter();
}
