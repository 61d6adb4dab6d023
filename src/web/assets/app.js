// planmark: a little progressive enhancement. Every page works without it;
// this adds live marking as you type, the countdown, and one-key answers.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  // Live marking: save the draft and fetch the live panel, at most one
  // request at a time, a moment after the last key.
  var form = document.getElementById("plan-form");
  if (form) {
    var box = form.querySelector("textarea[name=plan]");
    var live = document.getElementById("live");
    var status = document.getElementById("save-status");
    var timer = null;
    var inflight = false;
    var again = false;
    var say = function (text) { if (status) { status.textContent = text; } };
    var send = function () {
      if (inflight) { again = true; return; }
      inflight = true;
      again = false;
      var body = new URLSearchParams(new FormData(form));
      fetch("/practice/live", {
        method: "POST",
        body: body,
        headers: { "X-CSRF-Token": csrf },
        credentials: "same-origin"
      }).then(function (r) {
        if (!r.ok) { throw new Error("status " + r.status); }
        var id = r.headers.get("X-Draft-Id");
        if (id) {
          form.elements.draft.value = id;
          var card = form.elements.card.value;
          if (location.search.indexOf("card=") < 0 && window.history.replaceState) {
            window.history.replaceState(null, "", "/practice?card=" + encodeURIComponent(card));
          }
        }
        return r.text();
      }).then(function (html) {
        var hintsOpen = live.querySelector("details[open]") !== null;
        // The server escapes every piece of text in this fragment.
        live.innerHTML = html;
        if (hintsOpen) {
          var d = live.querySelector("details");
          if (d) { d.open = true; }
        }
        say("Draft saved");
      }).catch(function () {
        say("Not saved yet: retrying…");
        again = true;
      }).then(function () {
        inflight = false;
        if (again) { clearTimeout(timer); timer = setTimeout(send, 800); }
      });
    };
    box.addEventListener("input", function () {
      say("Saving…");
      clearTimeout(timer);
      timer = setTimeout(send, 250);
    });
    // Leaving the page: one last save that survives the page closing.
    window.addEventListener("pagehide", function () {
      if (timer !== null && navigator.sendBeacon) {
        var data = new URLSearchParams(new FormData(form));
        navigator.sendBeacon("/practice/live", data);
      }
    });

    var clock = document.getElementById("countdown");
    if (clock) {
      var end = Date.now() + 1000 * parseInt(clock.getAttribute("data-remaining"), 10);
      var tick = function () {
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        var m = Math.floor(left / 60), s = left % 60;
        clock.textContent = "Time left: " + m + ":" + (s < 10 ? "0" : "") + s;
        if (left === 0) {
          clock.textContent = "Time is up: your plan is saved. Submit it when you are ready.";
          clock.className = "up";
          box.readOnly = true;
          send();
          return;
        }
        setTimeout(tick, 1000);
      };
      tick();
    }
  }

  // One-key answers: a button with data-key="3" is pressed by the key 3
  // (not while typing in a box).
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    if (t && (t.tagName === "TEXTAREA" || t.tagName === "INPUT" || t.tagName === "SELECT")) { return; }
    var key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    var buttons = document.querySelectorAll("[data-key]");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("data-key") === key) {
        e.preventDefault();
        buttons[i].click();
        return;
      }
    }
  });

  // Match: picking a headline and a detail sends the pair at once.
  var pair = document.getElementById("match-form");
  if (pair) {
    pair.addEventListener("change", function () {
      if (pair.querySelector("input[name=headline]:checked") && pair.querySelector("input[name=detail]:checked")) {
        if (pair.requestSubmit) { pair.requestSubmit(); } else { pair.submit(); }
      }
    });
  }
})();
