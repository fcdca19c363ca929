// The steering forms of rashomon/web/templates/_steer.html: merging stories and splitting
// articles off a story are writes, so they go to the API's protected routes as JSON with the
// write token (a form body would be refused). Nothing the server sends is inserted as markup:
// messages are set as text.
(function () {
  "use strict";

  function say(text) {
    var out = document.querySelector(".steer-status");
    if (out) out.textContent = text;
  }

  function headers() {
    var out = { "Content-Type": "application/json" };
    var field = document.getElementById("steer-token");
    var token = field ? field.value.trim() : "";
    if (token) out["Authorization"] = "Bearer " + token;
    return out;
  }

  function detail(data) {
    var d = data && data.detail;
    if (typeof d === "string") return d;
    if (Array.isArray(d)) return d.map(function (e) { return e.msg || String(e); }).join("; ");
    return "";
  }

  function send(url, body) {
    say("Working…");
    fetch(url, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify(body),
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          if (!response.ok || !data || !data.story) {
            say("Refused (" + response.status + "): " + detail(data));
            return;
          }
          window.location.assign("/stories/" + encodeURIComponent(data.story.id));
        });
      })
      .catch(function () { say("The server did not answer."); });
  }

  function values(form, selector) {
    return Array.prototype.slice
      .call(form.querySelectorAll(selector))
      .map(function (input) { return input.value.trim(); })
      .filter(function (value) { return value; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var kind = (button && button.dataset.steer) || form.dataset.steer;
    if (kind !== "split" && kind !== "merge") return; // comparing is a plain GET form
    event.preventDefault();
    if (kind === "split") {
      var articles = values(form, "input[type=checkbox][name=articles]:checked");
      if (!articles.length) {
        say("Check the articles to split off first.");
        return;
      }
      send(button.getAttribute("formaction"), { articles: articles });
    } else {
      send(form.getAttribute("action"), { stories: values(form, "input[name=stories]") });
    }
  });
})();
