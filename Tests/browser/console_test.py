#!/usr/bin/env python3
"""The Kinfinder web console in headless Chromium, against a real `kinfinder serve`.

A family files a report through /family and lands on its secret status page; an operator signed in
on the command centre sees the incident that `kinfinder watch` raises appear live (no reload), opens
it (snapshot, report name) and acknowledges it; the grid worker of the cell sees it with a countdown;
the family page then shows the lead; the language toggle switches the command centre's text; the
operator closes the case as found (two taps) and the family's phone page says where to collect them;
on a phone a tapped incident brings its detail up; the operator sees the cameras' health, the reports,
files a walk-in family's report at the desk and withdraws it.

    .venv-browser/bin/python Tests/browser/console_test.py --kinfinder .build/debug/kinfinder \
        [--screenshots docs/screenshots] [--console-dir Sources/KinfinderServer/Console]

Exit status 0 when every step passes; 1 (with the failing step and the server's log) otherwise.
"""

import argparse
import http.server
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
OPERATOR = ("zhao", "command-centre-pw", "赵敏")
WORKER = ("wang.li", "gate-worker-pw", "王丽")


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Server:
    """`kinfinder serve --port 0` on a fresh database; its output is kept for failure reports."""

    def __init__(self, kinfinder, env):
        self.kinfinder = kinfinder
        self.env = env
        self.lines = []
        self.port = None
        self.process = None

    def run(self, *args, stdin=None, timeout=120):
        result = subprocess.run([self.kinfinder, *args], cwd=REPO, env=self.env, input=stdin, text=True,
                                capture_output=True, timeout=timeout)
        check(result.returncode == 0,
              f"kinfinder {' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
        return result.stdout

    def start(self, *extra):
        self.process = subprocess.Popen([self.kinfinder, "serve", "--port", "0", "--response", "60", *extra], cwd=REPO,
                                        env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        found = threading.Event()

        def read():
            for line in self.process.stdout:
                self.lines.append(line.rstrip("\n"))
                m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    found.set()

        threading.Thread(target=read, daemon=True).start()
        deadline = time.time() + 60
        while not found.is_set() and time.time() < deadline and self.process.poll() is None:
            found.wait(0.2)
        check(self.port is not None, "kinfinder serve did not print 'listening on http://127.0.0.1:<port>'")
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, n=40):
        return "\n".join(self.lines[-n:])


class Browser:
    def __init__(self, screenshots):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900", "--lang=en-US",
                    "--disable-dev-shm-usage"):
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.screenshots = screenshots

    def wait(self, condition, message, timeout=15):
        try:
            # Live events re-render lists while a condition reads them: a stale element is read again.
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2,
                                 ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)
                                 ).until(lambda d: condition())
        except TimeoutException:
            raise Failure(f"{message} (waited {timeout} s; page {self.driver.current_url})") from None

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def click(self, css, message=None):
        """Clicks the element `css` finds, found afresh if a live event redrew it meanwhile."""
        self.wait(lambda: self.find(css).click() or True, message or f"{css} could not be clicked")

    def finds(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def by_id(self, element_id):
        return self.driver.find_element(By.ID, element_id)

    def visible(self, element_id):
        found = self.driver.find_elements(By.ID, element_id)
        return bool(found) and found[0].is_displayed()

    def type(self, element_id, text):
        field = self.by_id(element_id)
        field.clear()
        field.send_keys(text)

    def screenshot(self, name, full_page=False):
        if not self.screenshots:
            return
        path = self.screenshots / name
        if full_page:
            # The whole page at the usual width: grow the window to the page, then put it back.
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(1400, max(900, height + 140))
            time.sleep(0.3)
            self.driver.save_screenshot(str(path))
            self.driver.set_window_size(1400, 900)
        else:
            self.driver.save_screenshot(str(path))

    def console_errors(self):
        """Severe browser-console entries (script errors, CSP refusals), leaving out HTTP error statuses
        the test provokes on purpose."""
        entries = self.driver.get_log("browser")
        return [e["message"] for e in entries
                if e.get("level") == "SEVERE" and "Failed to load resource" not in e["message"]]

    def sign_in(self, worker, password, name):
        if self.visible("logout"):
            self.by_id("logout").click()
        self.wait(lambda: self.visible("login-worker"), "the sign-in form did not appear")
        self.type("login-worker", worker)
        self.type("login-password", password)
        self.by_id("login-submit").click()
        self.wait(lambda: self.visible("signed-in-as") and name in self.by_id("signed-in-as").text,
                  f"signed-in-as did not show {name} after signing in as {worker}")

    def quit(self):
        self.driver.quit()


def png(width, height, rgb, edge):
    """A PNG of one colour with a 1-pixel `edge` line at its top and left (no imaging library needed),
    so tiles show where they join."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    top = b"\x00" + bytes(edge) * width
    row = b"\x00" + bytes(edge) + bytes(rgb) * (width - 1)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(top + row * (height - 1))) + chunk(b"IEND", b""))


class TileServer:
    """A stand-in for a deployment's tile server on loopback: a pale tile for any /tiles/z/x/y.png,
    and the tiles asked for."""

    def __init__(self):
        tile = png(256, 256, (228, 236, 222), (180, 192, 176))
        asked = self.asked = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                m = re.fullmatch(r"/tiles/(\d+)/(\d+)/(\d+)\.png", self.path)
                if not m:
                    self.send_error(404)
                    return
                asked.append(tuple(int(g) for g in m.groups()))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinfinder", required=True, help="the kinfinder executable to test")
    parser.add_argument("--screenshots", type=Path, help="save PNG screenshots of each page here")
    parser.add_argument("--console-dir", type=Path,
                        help="serve the console from this folder (KINFINDER_CONSOLE_DIR) instead of the files built "
                             "into the executable")
    args = parser.parse_args()

    kinfinder = shutil.which(args.kinfinder) or args.kinfinder
    kinfinder = str(Path(kinfinder).resolve())
    if not os.access(kinfinder, os.X_OK):
        print(f"FAIL setup: {args.kinfinder} is not an executable", file=sys.stderr)
        return 2
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not os.access(tool, os.X_OK):
            print(f"FAIL setup: {tool} is missing (scripts/install-deps installs chromium and chromium-driver)",
                  file=sys.stderr)
            return 2
    screenshots = args.screenshots.resolve() if args.screenshots else None
    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)

    started = time.time()
    temp = Path(tempfile.mkdtemp(prefix="kinfinder-console-"))
    env = dict(os.environ, KINFINDER_DATABASE=str(temp / "grid.sqlite"), KINFINDER_MODELS=str(REPO / "Models"))
    env.pop("KINFINDER_CONSOLE_DIR", None)
    if args.console_dir:
        env["KINFINDER_CONSOLE_DIR"] = str(args.console_dir.resolve())

    server = Server(kinfinder, env)
    browser = None
    watch = None
    current = "setup"
    ok = False

    def step(name):
        nonlocal current
        current = name
        return time.time()

    def done(t0, detail=""):
        errors = browser.console_errors() if browser else []
        check(not errors, "browser console errors:\n  " + "\n  ".join(errors))
        print(f"ok   {current} ({time.time() - t0:.1f} s){': ' + detail if detail else ''}", flush=True)

    try:
        # 1. A fresh grid, two workers, the server.
        t0 = step("1 server on a fresh database")
        server.run("grid", "import", "SampleClips/grid.yaml")
        server.run("worker", "add", OPERATOR[0], "--name", OPERATOR[2], "--cell", "XH", "--role", "operator",
                   "--password-stdin", stdin=OPERATOR[1] + "\n")
        server.run("worker", "add", WORKER[0], "--name", WORKER[2], "--cell", "XH-BS-DQ-01", "--role", "grid-worker",
                   "--password-stdin", stdin=WORKER[1] + "\n")
        base = server.start()
        browser = Browser(screenshots)
        d = browser.driver
        done(t0, base)

        # 2. The family form: a wrong field is refused with the server's message, then the report is filed.
        t0 = step("2 family form → status page")
        d.get(base + "/family")
        browser.wait(lambda: browser.finds('#report-last-seen-cell option[value="XH-BS-DQ-01"]'),
                     "the last-seen place picker was not filled from /api/v1/grid")
        check(len(browser.finds("#upper-swatches button[data-colour]")) == 12, "expected 12 upper-body swatches")
        check(len(browser.finds("#lower-swatches button[data-colour]")) == 12, "expected 12 lower-body swatches")
        browser.type("report-name", "小明")
        # The description is read back as the family types ("We understood"): each colour on its garment,
        # the aunt's beige coat shown as someone else's and kept off the swatches, the swatches following.
        browser.type("report-describe", "小明穿红色外套和蓝色牛仔裤，戴黄色帽子，和一个穿米色大衣的阿姨在一起")
        browser.wait(lambda: browser.visible("reading") and "We understood" in browser.by_id("reading").text,
                     "the 'We understood' panel did not appear for the description")
        reading = browser.by_id("reading").text
        check("red" in reading and "blue" in reading and "yellow" in reading, f"the reading lacks a colour: {reading!r}")
        companions = [li.text for li in browser.finds("#reading li.muted")]
        check(any("阿姨" in c and "brown" in c for c in companions),
              f"the aunt's beige coat is not shown as someone else's: {companions!r} / {reading!r}")
        check(browser.find('#upper-swatches button[data-colour="red"]').get_attribute("aria-pressed") == "true",
              "the reading did not select red for the top")
        check(browser.find('#upper-swatches button[data-colour="brown"]').get_attribute("aria-pressed") != "true",
              "the companion's beige coat selected brown for the missing child's top")
        check(browser.find('#lower-swatches button[data-colour="blue"]').get_attribute("aria-pressed") == "true",
              "the reading did not select blue for the trousers")
        check(browser.by_id("report-age").get_attribute("value") == "", "a name and kinship-free text set an age")
        browser.screenshot("family-reading.png", full_page=True)
        # The family's photo (the child cut out of the gate clip with the ffmpeg CLI): the server reads its
        # colours and the form offers them; one tap selects the swatches.
        photo = temp / "child.jpg"
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(REPO / "SampleClips/scenic-gate-640.mp4"), "-vf",
                        "select=eq(n\\,161),crop=70:80:399:176,scale=280:320:flags=lanczos", "-frames:v", "1", str(photo)],
                       check=True)
        browser.by_id("report-photo").send_keys(str(photo))
        browser.wait(lambda: browser.visible("photo-use"), "the photo's colours were not offered")
        browser.by_id("photo-use").click()
        check(browser.find('#upper-swatches button[data-colour="red"]').get_attribute("aria-pressed") == "true",
              "the photo did not select red for the top: " + browser.by_id("photo-colours").text)
        check(browser.find('#lower-swatches button[data-colour="blue"]').get_attribute("aria-pressed") == "true",
              "the photo did not select blue for the trousers: " + browser.by_id("photo-colours").text)
        Select(browser.by_id("report-age")).select_by_value("child")
        Select(browser.by_id("report-last-seen-cell")).select_by_value("XH-BS-DQ-01")
        browser.type("report-contact", "138 0000 0000")
        check(browser.by_id("report-last-seen-at").get_attribute("value"), "last-seen time has no default")
        browser.screenshot("family-form.png", full_page=True)
        # A last-seen time tomorrow: the server says no (400) and the page shows why.
        good_time = browser.by_id("report-last-seen-at").get_attribute("value")
        set_time = "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));"
        d.execute_script(set_time, browser.by_id("report-last-seen-at"), "2099-01-01T12:00")
        browser.type("report-height", "1米1")
        browser.by_id("report-submit").click()
        # In the family's words (the form's label, not the API's field name), where the family is looking.
        browser.wait(lambda: "Last seen time" in browser.by_id("report-error").text,
                     "a refused report did not say which field in report-error")
        error_text = browser.by_id("report-error").text
        check("lastSeenAt" not in error_text, f"the API's field name leaked into the message: {error_text!r}")
        top = d.execute_script("return document.getElementById('report-error').getBoundingClientRect().top")
        check(0 <= top <= d.execute_script("return window.innerHeight"), f"the error is out of sight ({top:.0f} px)")
        check(d.execute_script("return document.activeElement.id") == "report-last-seen-at", "the wrong field has the focus")
        check("/family/" not in d.current_url, "a refused report left the form")
        d.execute_script(set_time, browser.by_id("report-last-seen-at"), good_time)
        browser.by_id("report-submit").click()
        browser.wait(lambda: re.search(r"/family/[A-Za-z0-9_-]{20,}$", d.current_url),
                     "submitting the form did not go to /family/<token>")
        family_url = d.current_url
        listed = server.run("report", "list")
        check("110cm" in listed, f"the height 1米1 was not stored as 110 cm: {listed!r}")
        browser.wait(lambda: browser.visible("family-status") and browser.by_id("family-leads").text == "0",
                     "the family status page did not show 0 leads")
        check(browser.by_id("family-name").text == "小明", f"family-name shows {browser.by_id('family-name').text!r}")
        check(browser.by_id("family-found").get_attribute("data-found") == "false", "family-found is not 'no'")
        done(t0, family_url.replace(base, ""))

        # 3. Command centre: sign in, then an incident arrives live while the page stays loaded.
        t0 = step("3 command centre: live incident, snapshot, acknowledge")
        centre = d.current_window_handle
        d.get(base + "/")
        browser.sign_in(*OPERATOR)
        browser.wait(lambda: browser.finds("#incident-list .empty"), "the incident list did not load")
        check(not browser.finds("#incident-list .incident-row"), "the incident list is not empty before watch")
        browser.wait(lambda: "on" in browser.by_id("live-state").get_attribute("class").split(),
                     "the live event stream did not connect")
        check(browser.finds("#overview .cell-line"), "the grid overview shows no cells")
        d.execute_script("window.kinfinderNotReloaded = true;")
        watch_started = time.time()
        # The console is under test, not detection: the motion detector raises the same incident in a
        # fraction of the debug build's time with the learned one (kinfinder's own tests cover that).
        watch = subprocess.Popen([kinfinder, "watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--quiet",
                                  "--detector", "motion"],
                                 cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # 60 s for the incident to show, counted from when watch finishes (a slow debug build may need longer
        # to analyse the clip), and never more than 5 minutes in all.
        deadline = time.time() + 60
        while not browser.finds("#incident-list .incident-row"):
            if watch.poll() is None:
                deadline = max(deadline, time.time() + 60)
            check(time.time() < min(deadline, watch_started + 300),
                  "no .incident-row appeared on the command centre after kinfinder watch")
            time.sleep(0.25)
        check(d.execute_script("return window.kinfinderNotReloaded === true;"), "the command centre page reloaded")
        arrived = time.time() - watch_started
        # The row can be re-rendered by a live event (dispatch, escalation) between finding and clicking it.
        def open_first_row():
            row = browser.find("#incident-list .incident-row")
            found_id, text = row.get_attribute("data-id"), row.text
            row.click()
            return found_id, text
        incident_id, row_text = browser.wait(open_first_row, "the incident row could not be opened")
        check("小明" in row_text, f"the incident row does not name the report: {row_text!r}")
        browser.wait(lambda: d.execute_script(
            "const i = document.getElementById('incident-snapshot'); return i.complete && i.naturalWidth > 0;"),
            "the incident snapshot did not load")
        check("小明" in browser.by_id("incident-detail").text, "the incident detail does not show the report name")
        # Whom we look for: the family's words, their reading, and (for the operator) the family's phone.
        browser.wait(lambda: "小明穿红色外套" in browser.by_id("detail-person").text, "the detail does not show the family's words")
        person = browser.by_id("detail-person").text
        check("138 0000 0000" in person and "110 cm" in person and "Child" in person, f"the detail lacks contact, height or age: {person!r}")
        # The family's photo went with the report (filed on their phone in step 2).
        browser.wait(lambda: d.execute_script(
            "const i = document.querySelector('#detail-person .whom-photo img'); return !!i && i.complete && i.naturalWidth > 0;"),
            "the family's photo is not shown with whom we look for")
        browser.wait(lambda: browser.finds("#event-history li"), "the event history is empty")
        # The map: the grid's cells, the gate camera, the duty post, the live lead at its camera; the
        # case's path (last seen → lead 1) and the reach circles around the sighting.
        # A chosen incident's case fills the map; "Whole area" shows all of the grid.
        browser.wait(lambda: browser.finds('#map svg[data-focus="case"]'), "the map did not focus on the chosen incident's case")
        browser.by_id("map-area").click()
        browser.wait(lambda: browser.finds('#map svg[data-focus="area"]'), "'Whole area' did not show the whole grid")
        browser.wait(lambda: browser.finds(f'#map .map-incident[data-incident="{incident_id}"]'), "the lead is not on the map")
        check(len(browser.finds("#map .map-cell")) == 8, f"the map shows {len(browser.finds('#map .map-cell'))} cells, not the grid's 8")
        check(browser.finds('#map .map-camera[data-camera="cam-gate"]') and browser.finds('#map .map-post[data-post="post-gate"]'),
              "the map lacks the gate camera or its duty post")
        browser.wait(lambda: browser.finds(f'#map .case-point.kind-lead[data-incident="{incident_id}"]')
                     and browser.finds("#map .case-point.kind-last-seen"), "the map does not draw the case's path")
        check(browser.finds("#map .reach-likely") and browser.finds("#map .reach-possible"), "the map has no reach circles for the open case")
        caption = browser.find("#map .map-caption").text
        check(re.search(r"most likely within \d", caption), f"the map does not say how far the child could be: {caption!r}")
        # The case's leads: one, numbered 1, with its thumbnail.
        leads = browser.finds("#case-leads .case-lead")
        check(len(leads) == 1 and leads[0].get_attribute("data-id") == incident_id, "the case does not list its one lead")
        browser.wait(lambda: d.execute_script(
            "const i = document.querySelector('#case-leads .thumb'); return !!i && i.complete && i.naturalWidth > 0;"),
            "the case's lead has no thumbnail")
        # Evidence: the whole frame (640 × 360, the camera's working size), stored with the incident.
        browser.wait(lambda: d.execute_script(
            "const i = document.querySelector(\"#detail-evidence .evidence-picture[data-kind='frame'] img\");"
            " return !!i && i.complete && i.naturalWidth > 0;"), "the detail's whole frame did not load")
        size = d.execute_script("const i = document.querySelector(\"#detail-evidence [data-kind='frame'] img\"); return [i.naturalWidth, i.naturalHeight];")
        check(size == [640, 360], f"the whole frame is {size}")
        # A tap on a cell of the map filters the list to it; again shows all.
        browser.click('#map .map-cell[data-cell="XH-NS"]')
        browser.wait(lambda: not browser.finds("#incident-list .incident-row"), "a cell tapped on the map did not filter the list")
        browser.click('#map .map-cell[data-cell="XH-NS"]')
        browser.wait(lambda: browser.finds("#incident-list .incident-row"), "a second tap on the map's cell did not clear the filter")
        browser.by_id("map-case").click()
        browser.wait(lambda: browser.finds('#map svg[data-focus="case"]'), "'This case' did not focus the map on the case")
        # Reviewed: the lead says who looked at its evidence; "Not reviewed yet" then hides it.
        browser.by_id("review-button").click()
        browser.wait(lambda: "zhao" in browser.by_id("detail-facts").text and browser.finds(
            f'#incident-list .incident-row[data-id="{incident_id}"] .reviewed-mark'), "the lead is not marked as reviewed")
        Select(browser.by_id("incident-filter")).select_by_value("unreviewed")
        browser.wait(lambda: not browser.finds("#incident-list .incident-row"), "the reviewed lead is still listed as not reviewed")
        Select(browser.by_id("incident-filter")).select_by_value("all")
        browser.by_id("ack-button").click()
        browser.wait(lambda: browser.by_id("incident-status").get_attribute("data-status") == "acknowledged",
                     "the incident status did not change to acknowledged")
        browser.wait(lambda: browser.find(f'#incident-list .incident-row[data-id="{incident_id}"]')
                     .get_attribute("data-status") == "acknowledged", "the list row did not show acknowledged")
        browser.wait(lambda: "zhao" in browser.by_id("event-history").text, "the history does not show who acknowledged")
        browser.wait(lambda: browser.by_id("total-open").text == "1", "the overview does not count 1 open incident")
        try:  # the handled-per-level counts follow a moment later; nicer on the screenshot, not a check
            browser.wait(lambda: re.search(r"[1-9]", browser.by_id("handled").text), "", timeout=3)
        except Failure:
            pass
        # The operator acknowledges as soon as the incident shows (before the 60 s response deadline
        # escalates it past the worker's cell), while watch may still be finishing the clip.
        watch_output = watch.communicate(timeout=300)[0]
        check(watch.returncode == 0, f"kinfinder watch exited {watch.returncode}:\n{watch_output}")
        # The strip (the seconds after the sighting are in it) is stored by the time watch is done; the
        # detail picks it up. A tap on the frame shows all three full size; Escape closes them.
        browser.wait(lambda: d.execute_script(
            "const i = document.querySelector(\"#detail-evidence .evidence-picture[data-kind='strip'] img\");"
            " return !!i && i.complete && i.naturalWidth > 0;"), "the detail's strip did not load", timeout=30)
        browser.click("#detail-evidence .evidence-picture[data-kind='frame']")
        browser.wait(lambda: len(browser.finds("#kf-lightbox[open] .lightbox-picture")) == 3, "a tap on the frame did not enlarge the evidence")
        browser.wait(lambda: d.execute_script(
            "return [...document.querySelectorAll('#kf-lightbox img')].every((i) => i.complete && i.naturalWidth > 0);"),
            "an enlarged picture did not load")
        browser.screenshot("command-centre-evidence.png")
        browser.find("#kf-lightbox").send_keys(Keys.ESCAPE)
        browser.wait(lambda: not browser.finds("#kf-lightbox[open]"), "Escape did not close the evidence")
        d.execute_script("document.getElementById('incident-detail').scrollTop = 0;")
        browser.screenshot("command-centre.png")
        done(t0, f"incident #{incident_id} appeared {arrived:.0f} s after watch started")

        # 4. The grid worker of the gate's cell, in another tab (its own sign-in).
        t0 = step("4 grid worker page")
        d.switch_to.new_window("tab")
        d.get(base + "/worker")
        browser.sign_in(*WORKER)
        selector = f'#my-incidents .incident-row[data-id="{incident_id}"]'
        browser.wait(lambda: browser.finds(selector), "the incident is not listed on the worker page")
        # The list is redrawn on every live event, so look the card up afresh each time.
        countdown = lambda: browser.find(selector + " .countdown").text
        browser.wait(lambda: re.search(r"\d+:\d\d", countdown()), "the worker's incident has no countdown")
        browser.wait(lambda: "小明穿红色外套" in browser.find(selector + " .whom-line").text,
                     "the worker's card does not say whom they look for")
        first = countdown()
        browser.wait(lambda: countdown() != first, "the countdown does not tick", timeout=5)
        for cls in ("ack", "found", "false-alarm"):
            check(browser.finds(f"{selector} button.{cls}"), f"the worker's incident has no .{cls} button")
        check(not browser.find(selector + " button.ack").is_enabled(),
              "Acknowledge is still enabled on an acknowledged incident")
        browser.wait(lambda: d.execute_script(
            "const i = document.querySelector(arguments[0] + ' img'); return !!i && i.complete && i.naturalWidth > 0;",
            selector), "the worker's snapshot thumbnail did not load")
        browser.screenshot("worker.png")
        # A tap on the picture shows the evidence full size: the whole frame, the seconds around, the crop.
        browser.click(selector + " button.thumb")
        browser.wait(lambda: browser.finds("#kf-lightbox[open] .lightbox-picture"), "a tap on the worker's picture did not enlarge it")
        kinds = [f.get_attribute("data-kind") for f in browser.finds("#kf-lightbox .lightbox-picture")]
        check(kinds == ["frame", "strip", "crop"], f"the worker's evidence is {kinds}")
        browser.wait(lambda: d.execute_script(
            "return [...document.querySelectorAll('#kf-lightbox img')].every((i) => i.complete && i.naturalWidth > 0);"),
            "a picture of the worker's evidence did not load")
        d.set_window_size(390, 844)
        time.sleep(0.3)
        browser.screenshot("worker-evidence-phone.png")
        d.set_window_size(1400, 900)
        browser.find("#kf-lightbox button.close").click()
        browser.wait(lambda: not browser.finds("#kf-lightbox[open]"), "the evidence did not close")
        # The case on the worker's phone: whom, where it was seen with directions, the map, every lead.
        d.set_window_size(390, 844)
        browser.click(selector + " button.case")
        browser.wait(lambda: browser.finds('#kf-case[open] #case-map svg[data-focus="case"]'), "the worker's case has no map")
        check("小明穿红色外套" in browser.find("#kf-case .whom").text, "the worker's case does not say whom they look for")
        directions = browser.find("#kf-case a.directions").get_attribute("href")
        check(directions.startswith("geo:30.2583,120.1509"), f"the directions link is {directions!r}")
        check(len(browser.finds("#kf-case .case-lead")) == 1, "the worker's case does not list its lead")
        check(browser.finds("#kf-case .reach-likely"), "the worker's map has no reach circle")
        time.sleep(0.3)
        browser.screenshot("worker-case-phone.png")
        browser.find("#kf-case button.close").click()
        d.set_window_size(1400, 900)
        done(t0, countdown())

        # 5. The family's link now shows the lead.
        t0 = step("5 family status shows the lead")
        d.get(family_url)
        browser.wait(lambda: browser.visible("family-status") and browser.by_id("family-leads").text == "1",
                     "the family status page did not show 1 lead")
        check(browser.by_id("family-checking").text == "1", "the lead is not shown as being checked")
        browser.screenshot("family-status.png", full_page=True)
        done(t0)

        # 6. The language toggle on the command centre switches static and live-rendered text.
        t0 = step("6 language toggle")
        d.close()
        d.switch_to.window(centre)
        heading = browser.by_id("page-heading").text
        lang = d.execute_script("return document.documentElement.lang")
        badge = browser.find("#incident-list .incident-row .badge").text
        browser.by_id("lang-toggle").click()
        browser.wait(lambda: browser.by_id("page-heading").text != heading, "the heading did not change language")
        new_lang = d.execute_script("return document.documentElement.lang")
        check(new_lang != lang, f"<html lang> stayed {lang}")
        check(browser.find("#incident-list .incident-row .badge").text != badge, "the incident status did not change language")
        short = "zh" if new_lang.startswith("zh") else "en"
        if short == "zh":  # the server's English "why it matched" and history lines, in Chinese too
            browser.wait(lambda: "上衣" in browser.by_id("detail-facts").text and "upper" not in browser.by_id("detail-facts").text,
                         "“why it matched” stayed English in the Chinese UI")
            browser.wait(lambda: "前响应" in browser.by_id("event-history").text and "respond by" not in browser.by_id("event-history").text,
                         "the history stayed English in the Chinese UI")
        browser.screenshot(f"command-centre-{short}.png")
        done(t0, f"{heading!r} → {browser.by_id('page-heading').text!r}")

        # 7. The operator closes the case as found (two taps), and the family's phone says where to go.
        t0 = step("7 found ends the case; the family's phone says where to collect")
        found_button = browser.by_id("resolve-found-button")
        label = found_button.text
        found_button.click()
        confirm = d.execute_script("return KF.t('act.confirm')")
        browser.wait(lambda: browser.by_id("resolve-found-button").text == confirm,
                     f"the first tap on Found did not ask to confirm (button says {browser.by_id('resolve-found-button').text!r})")
        time.sleep(0.3)
        check(browser.by_id("incident-status").get_attribute("data-status") == "acknowledged",
              "one tap on Found closed the incident")
        browser.by_id("resolve-found-button").click()
        browser.wait(lambda: browser.by_id("incident-status").get_attribute("data-status") == "resolved",
                     "the second tap on Found did not close the incident as found")
        check(browser.by_id("resolve-found-button").text == label, "the Found button kept its confirm label")
        browser.wait(lambda: not [r for r in browser.finds("#incident-list .incident-row")
                                  if r.get_attribute("data-status") in ("open", "acknowledged")],
                     "a lead of the found report is still open on the command centre")
        browser.wait(lambda: browser.by_id("total-open").text == "0", "the overview still counts the found incident as open")
        browser.wait(lambda: not browser.finds("#map .reach-likely") and not browser.finds("#map .map-incident"),
                     "the map still shows the found case's reach circle or an open lead")
        browser.wait(lambda: browser.finds("#map .map-caption") and browser.find("#map .map-caption").text == d.execute_script("return KF.t('map.closed')"),
                     "the map does not say the case is closed")
        browser.screenshot(f"command-centre-found-{short}.png")
        d.switch_to.new_window("tab")
        d.set_window_size(390, 844)  # a phone
        d.get(family_url)
        browser.wait(lambda: browser.visible("family-collect"), "the family page does not say where to collect")
        check(browser.by_id("family-state").get_attribute("data-status") == "found", "the family page's badge is not found")
        check(browser.by_id("family-checking").text == "0", "the family page still counts leads being checked")
        check(browser.by_id("family-found").get_attribute("data-found") == "true", "the family page does not say found")
        where = browser.by_id("family-collect-where").text
        check("South gate duty post" in where or "南门治安岗亭" in where, f"the family is not sent to the gate's duty post: {where!r}")
        call = browser.by_id("family-collect-call")
        check(call.get_attribute("href") == "tel:057187001101", f"the call link is {call.get_attribute('href')!r}")
        rect = d.execute_script("return document.getElementById('family-collect').getBoundingClientRect().top")
        check(rect < 844, f"the collect box starts {rect:.0f} px down, below a phone's first screen")
        browser.screenshot("family-found-phone.png")
        done(t0, where)

        # 8. The operator on a phone: a tapped incident brings its detail up (it sits below the list).
        t0 = step("8 command centre on a phone")
        d.switch_to.window(centre)
        d.get(base + "/")
        browser.wait(lambda: browser.finds("#incident-list .incident-row"), "no incident row on the phone layout")
        browser.click("#incident-list .incident-row")
        browser.wait(lambda: browser.visible("detail-body"), "the detail did not open")
        _, detail_top = browser.wait(lambda: (lambda y: ("in view", y) if -2 <= y < 300 else None)(
            d.execute_script("return document.getElementById('incident-detail').getBoundingClientRect().top")),
            "the tapped incident's detail is not brought into view (its top at "
            + str(d.execute_script("return document.getElementById('incident-detail').getBoundingClientRect().top")) + " px)")
        browser.screenshot("command-centre-phone.png")
        # The map fits the phone's width (it is drawn for its box, not scaled down from a desktop).
        width = d.execute_script("const s = document.querySelector('#map svg'); return s ? s.getBoundingClientRect().width : 0")
        check(250 <= width <= 390, f"the map is {width:.0f} px wide on a 390 px phone")
        d.execute_script("document.getElementById('map').scrollIntoView({block: 'start'})")
        browser.screenshot("command-centre-map-phone.png")
        done(t0, f"detail at {detail_top:.0f} px, map {width:.0f} px wide")

        # 9. Operator tools: cameras' health, the reports list, a walk-in family filed at the desk, withdrawn.
        t0 = step("9 reports at the desk: list, file, withdraw; camera health")
        d.set_window_size(1400, 900)
        d.get(base + "/")
        browser.wait(lambda: len(browser.finds("#camera-list .camera-row")) == 2, "the camera list does not show the 2 cameras")
        browser.wait(lambda: not browser.finds("#report-list .report-row"), "a found report is listed as searching")
        Select(browser.by_id("report-filter")).select_by_value("closed")
        browser.wait(lambda: browser.finds('#report-list .report-row[data-status="found"]'), "the found report is not under Closed")
        browser.by_id("report-desk").click()
        browser.wait(lambda: browser.finds('#report-last-seen-cell option[value="XH-BS-DQ-02"]'), "the desk form did not open")
        browser.type("report-name", "王奶奶")
        browser.type("report-describe", "奶奶八十多岁，穿紫色外套，黑裤子")
        Select(browser.by_id("report-last-seen-cell")).select_by_value("XH-BS-DQ-02")
        browser.by_id("report-submit").click()
        browser.wait(lambda: re.search(r"/family/[A-Za-z0-9_-]{20,}$", d.current_url), "the desk filing did not reach the status page")
        d.get(base + "/")
        row = '#report-list .report-row[data-status="open"]'
        browser.wait(lambda: "王奶奶" in browser.find(row).text, "the desk's report is not listed as searching")
        check("紫色外套" in browser.find(row).text, "the report row does not show the family's words")
        browser.screenshot("command-centre-reports.png", full_page=True)
        browser.click(row + " button.withdraw")
        check(browser.find(row + " button.withdraw").text == d.execute_script("return KF.t('act.confirm')"), "Withdraw did not ask to confirm")
        browser.click(row + " button.withdraw")
        browser.wait(lambda: not browser.finds(row), "the withdrawn report is still listed as searching")
        Select(browser.by_id("report-filter")).select_by_value("all")
        browser.wait(lambda: browser.finds('#report-list .report-row[data-status="withdrawn"]'), "the report is not shown as withdrawn")
        done(t0)

        # 10. Filters by cell, camera and time; a cell in the overview filters the list to its part of the grid.
        t0 = step("10 incident filters: cell, camera, time")
        rows = lambda: browser.finds("#incident-list .incident-row")
        Select(browser.by_id("incident-cell")).select_by_value("XH-NS")
        browser.wait(lambda: not rows(), "the Nanshan filter still lists the gate's incident")
        Select(browser.by_id("incident-cell")).select_by_value("XH-BS")
        browser.wait(lambda: len(rows()) == 1, "the Beishan street filter does not list the gate's incident")
        Select(browser.by_id("incident-camera")).select_by_value("cam-plaza")
        browser.wait(lambda: not rows(), "the plaza camera filter still lists the gate's incident")
        Select(browser.by_id("incident-camera")).select_by_value("cam-gate")
        Select(browser.by_id("incident-time")).select_by_value("3600")
        browser.wait(lambda: len(rows()) == 1, "camera and last-hour filters hide the incident seen minutes ago")
        browser.click('#overview .cell-line[data-cell="XH-NS-LF-01"]')
        browser.wait(lambda: not rows() and browser.by_id("incident-cell").get_attribute("value") == "XH-NS-LF-01",
                     "clicking a cell in the overview did not filter the list to it")
        browser.click('#overview .cell-line[data-cell="XH-NS-LF-01"]')
        browser.wait(lambda: len(rows()) == 1 and browser.by_id("incident-cell").get_attribute("value") == "",
                     "clicking the chosen cell again did not clear the filter")
        done(t0)
        # 11. A deployment with a tile server: a second console on the same database draws the map over
        # its tiles (web-mercator, from another origin the page's policy lets in) with the attribution.
        t0 = step("11 map tiles from the deployment's tile server")
        tile_server = TileServer()
        tiled = Server(kinfinder, env)
        try:
            tiled_base = tiled.start("--map-tiles", f"http://127.0.0.1:{tile_server.port}/tiles/{{z}}/{{x}}/{{y}}.png",
                                     "--map-attribution", "Test tiles © Kinfinder")
            d.get(tiled_base + "/")
            browser.sign_in(*OPERATOR)
            browser.wait(lambda: browser.finds("#map .map-tile"), "the map draws no tiles")
            browser.wait(lambda: tile_server.asked, "the tile server was not asked for a tile")
            zooms = {z for z, _, _ in tile_server.asked}
            # The grid spans about 2 km in a ~480 px map: zoom 13–15 (10–20 m per pixel at 30° N).
            check(zooms and all(12 <= z <= 16 for z in zooms), f"tiles asked at zoom {sorted(zooms)}")
            # Every tile asked lies around the sample grid's centre (30.252° N, 120.154° E) at its zoom.
            lat = math.radians(30.252)
            def centre(z):
                return (int((120.154 + 180) / 360 * 2 ** z),
                        int((1 - math.log(math.tan(lat) + 1 / math.cos(lat)) / math.pi) / 2 * 2 ** z))
            far = [(z, x, y) for z, x, y in tile_server.asked if abs(x - centre(z)[0]) > 3 or abs(y - centre(z)[1]) > 3]
            check(not far, f"tiles asked far from the grid: {far[:4]} (centre at zoom 14: {centre(14)})")
            check("Test tiles © Kinfinder" in browser.find("#map .map-legend").text, "the tiles' attribution is not shown")
            browser.screenshot("command-centre-tiles.png")
            # Back to the first console before this one stops (its page would lose its server).
            d.get(base + "/")
            browser.wait(lambda: browser.finds("#incident-list .incident-row"), "the first console did not load again")
        finally:
            tiled.stop()
            tile_server.stop()
        done(t0, f"{len(tile_server.asked)} tiles at zoom {sorted({z for z, _, _ in tile_server.asked})}")

        # 12. A behaviour alert before anyone files a report: a man stands in the gate's danger zone; the
        # alert reaches the gate's grid worker as a card of its own kind, in both languages, and is handled.
        t0 = step("12 a danger-zone alert from a clip reaches the grid worker")
        zone_clip = temp / "gate-works.mp4"
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(REPO / "SampleClips/behaviour-cases-640.mp4"), "-t", "24",
                        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", str(zone_clip)], check=True, timeout=120)
        zones = temp / "zones.yaml"
        zones.write_text("zones:\n  - name: gate works\n"
                         "    polygon: [[0.2905, 0.5948], [0.7095, 0.5948], [0.6687, 0.4339], [0.3313, 0.4339]]\n")
        alert_run = subprocess.run([kinfinder, "watch", str(zone_clip), "--camera", "cam-gate", "--quiet", "--behaviour", str(zones)],
                                   cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        check(alert_run.returncode == 0, f"kinfinder watch of the zone clip exited {alert_run.returncode}:\n{alert_run.stdout}")
        check("alert: danger-zone" in alert_run.stdout, f"watch raised no danger-zone alert:\n{alert_run.stdout}")
        d.switch_to.new_window("tab")
        d.get(base + "/worker")
        browser.sign_in(*WORKER)
        card = '#my-incidents .incident-row[data-kind="danger-zone"]'
        browser.wait(lambda: browser.finds(card), "the danger-zone alert did not reach the grid worker", timeout=30)
        if d.execute_script("return document.documentElement.lang").startswith("zh"):
            browser.by_id("lang-toggle").click()
            browser.wait(lambda: "Danger zone" in browser.find(card).text, "the alert's card did not switch to English")
        check(browser.find(card + " .row-name").text == d.execute_script("return KF.t('kind.danger-zone')"),
              f"the alert's card is titled {browser.find(card + ' .row-name').text!r}")
        check("gate works" in browser.find(card).text, "the alert's card does not name the zone")
        check(not browser.finds(card + " button.case"), "an alert (no report) offers a case to open")
        check(browser.find(card + " button.found").text == d.execute_script("return KF.t('act.handled')"),
              "the alert's close button does not say Handled")
        browser.wait(lambda: d.execute_script(
            "const i = document.querySelector(arguments[0] + ' img'); return !!i && i.complete && i.naturalWidth > 0;", card),
            "the alert's snapshot did not load")
        browser.screenshot("worker-alert.png")
        d.set_window_size(390, 844)
        browser.by_id("lang-toggle").click()
        browser.wait(lambda: "危险区域" in browser.find(card).text and "进入危险区域“gate works”" in browser.find(card).text,
                     "the alert's card is not in Chinese after the language toggle")
        time.sleep(0.3)
        browser.screenshot("worker-alert-zh-phone.png")
        browser.by_id("lang-toggle").click()
        d.set_window_size(1400, 900)
        # The command centre lists it under its kind; its detail says no report was filed.
        worker_tab = d.current_window_handle
        d.switch_to.new_window("tab")
        d.get(base + "/")
        browser.sign_in(*OPERATOR)
        alert_row = '#incident-list .incident-row[data-kind="danger-zone"]'
        browser.wait(lambda: browser.finds(alert_row), "the alert is not on the command centre's list")
        browser.click(alert_row)
        browser.wait(lambda: browser.by_id("detail-title").text == d.execute_script("return KF.t('kind.danger-zone')"),
                     "the command centre's detail is not titled with the alert's kind")
        check(d.execute_script("return KF.t('kind.noReport')") in browser.by_id("detail-facts").text,
              "the command centre's detail does not say no report was filed")
        browser.screenshot("command-centre-alert.png")
        d.switch_to.window(worker_tab)
        browser.click(card + " button.found")
        browser.click(card + " button.found")
        browser.wait(lambda: not browser.finds(card), "the handled alert is still on the worker's list")
        done(t0, "danger-zone alert shown to the worker and handled")

        ok = True
    except Failure as failure:
        print(f"FAIL {current}: {failure}", file=sys.stderr)
    except Exception as error:  # selenium or subprocess trouble: still a clear one-line cause
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"FAIL {current}: {type(error).__name__}: {message}", file=sys.stderr)
    finally:
        if watch and watch.poll() is None:
            watch.kill()
            watch.wait()
        if browser and not ok and screenshots:
            try:
                browser.driver.save_screenshot(str(screenshots / "failure.png"))
            except Exception:
                pass
        if browser:
            browser.quit()
        server.stop()
        if ok:
            shutil.rmtree(temp, ignore_errors=True)
        else:
            print(f"server output (last lines):\n{server.log_tail()}\n(files kept in {temp})", file=sys.stderr)
    print(f"{'passed' if ok else 'FAILED'} in {time.time() - started:.0f} s", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
