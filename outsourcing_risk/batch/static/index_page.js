// Sorting the index page's table by a column (outsourcing_risk/batch/index_page.py writes the page).
document.querySelectorAll('#kpis th button').forEach(function (button) {
  button.addEventListener('click', function () {
    var th = button.parentElement, col = th.cellIndex;
    var body = document.querySelector('#kpis tbody');
    var rows = Array.prototype.slice.call(body.rows);
    var up = th.getAttribute('aria-sort') !== 'ascending';
    document.querySelectorAll('#kpis th').forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
      var nx = parseFloat(x), ny = parseFloat(y);
      var cmp = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny;
      return up ? cmp : -cmp;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
