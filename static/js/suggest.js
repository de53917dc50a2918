// Fills the person and organization filters' suggestion lists as the reader types.
// The filters work without this script: a typed name is matched on the server.
(function () {
  "use strict";
  var endpoints = { people: "/people/suggest/", organizations: "/organizations/suggest/" };

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = endpoints[input.dataset.suggest];
    if (!list || !url) return;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var term = input.value.trim();
      if (term.length < 2) return;
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(term), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.results.forEach(function (row) {
              var option = document.createElement("option");
              option.value = row.slug;
              option.label = row.country ? row.name + " · " + row.country : row.name;
              option.textContent = option.label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest]").forEach(attach);
  });
})();
