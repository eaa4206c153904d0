// The teacher's workshop page is live: it reloads every 15 s unless a form field has the focus.
setInterval(() => {
  const active = document.activeElement;
  if (!active || !['TEXTAREA', 'INPUT', 'SELECT'].includes(active.tagName)) location.reload();
}, 15000);
