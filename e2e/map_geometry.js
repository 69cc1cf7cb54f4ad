// Runs in the page (e2e/test_map_geometry.py): every text's box, every score's box, every
// circle, and points every 2 units along every relationship's path; then everything that
// touches what it must not.
(() => {
  const svg = document.querySelector('svg.ecomap__svg');
  const boxes = [];
  svg.querySelectorAll('.ecomap__nodes g.node').forEach(g => {
    g.querySelectorAll('text').forEach(t => {
      const b = t.getBBox();
      boxes.push({name: 'label ' + g.id + ' ' + t.textContent, owner: g.id, x: b.x, y: b.y, w: b.width, h: b.height});
    });
  });
  svg.querySelectorAll('.ecomap__badges g.badge rect').forEach(r => {
    const b = r.getBBox();
    boxes.push({name: 'score ' + r.parentNode.id, owner: r.parentNode.id.replace('badge-', 'edge-'), x: b.x, y: b.y, w: b.width, h: b.height});
  });
  const circles = [...svg.querySelectorAll('.ecomap__nodes g.node circle')].map(c => ({
    owner: c.parentNode.id, x: +c.getAttribute('cx'), y: +c.getAttribute('cy'), r: +c.getAttribute('r')}));
  const lines = [...svg.querySelectorAll('.ecomap__edges path')].map(p => {
    const points = [], total = p.getTotalLength();
    for (let s = 0; s <= total; s += 2) { const q = p.getPointAtLength(s); points.push([q.x, q.y]); }
    return {id: p.id, ends: p.dataset.people.split(' '), width: +p.getAttribute('stroke-width'), points};
  });
  const problems = [];
  const near = (b, x, y, d) => Math.hypot(Math.max(b.x - x, 0, x - b.x - b.w), Math.max(b.y - y, 0, y - b.y - b.h)) < d;
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j];
      if (a.owner === b.owner && a.name.startsWith('label')) continue;  // name and its second line
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) problems.push(a.name + ' overlaps ' + b.name);
    }
    for (const c of circles) if (near(a, c.x, c.y, c.r)) problems.push(a.name + ' overlaps circle ' + c.owner);
    for (const l of lines) {
      if (a.owner === l.id) continue;  // a score on its own line
      if (l.points.some(([x, y]) => near(a, x, y, l.width / 2))) problems.push(a.name + ' overlaps line ' + l.id);
    }
  }
  for (const l of lines) for (const c of circles) {
    if (l.ends.includes(c.owner.replace('person-', ''))) continue;
    if (l.points.some(([x, y]) => Math.hypot(x - c.x, y - c.y) < c.r + l.width / 2)) problems.push(l.id + ' crosses circle ' + c.owner);
  }
  return {problems, lines: lines.length, labels: boxes.length};
})
