#!/usr/bin/env bash
# Smoke test of a built cooplevier, run against the executable, never against Python.
#
#   bash packaging/smoke.sh                           # the folder app: dist/cooplevier/cooplevier(.exe)
#   bash packaging/smoke.sh /path/to/bin/cooplevier   # any other build (a wheel installed by pipx…)
#
# Needs bash, curl, grep and sed (Git Bash on Windows has them); no Python on the PATH: the
# virtual environment, if one is active, is taken off the PATH first. A Chrome, Edge or Chromium
# is used for the PDF; without one, the PDF steps say so and are skipped (SMOKE_REQUIRE_PDF=1
# makes that a failure). Prints one line per step; exits 1 at the first failure.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
APP="${1:-}"
if [[ -z "$APP" ]]; then
  APP="$ROOT/dist/cooplevier/cooplevier"
  [[ -f "$APP.exe" ]] && APP="$APP.exe"
fi
[[ -x "$APP" ]] || { echo "smoke: no executable at $APP (build it: python packaging/build_app.py)" >&2; exit 2; }
APP="$(cd "$(dirname "$APP")" && pwd)/$(basename "$APP")"

# No Python from a virtual environment: the executable must carry its own.
if [[ -n "${VIRTUAL_ENV:-}" ]]; then
  PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vF "$VIRTUAL_ENV" | paste -sd: -)"
  unset VIRTUAL_ENV
fi
unset PYTHONPATH PYTHONHOME
export PATH NO_COLOR=1

WORK="$(mktemp -d)"
SERVER=""
stop_server() {  # SIGTERM stops it cleanly; Git Bash cannot signal a native Windows process: taskkill
  kill "$SERVER" 2>/dev/null || true
  if [[ "${OSTYPE:-}" == msys* || "${OSTYPE:-}" == cygwin* ]] && [[ -r "/proc/$SERVER/winpid" ]]; then
    taskkill //F //T //PID "$(cat "/proc/$SERVER/winpid")" >/dev/null 2>&1 || true
  fi
  wait "$SERVER" 2>/dev/null || true
  SERVER=""
}
cleanup() {
  if [[ -n "$SERVER" ]]; then stop_server; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
EXAMPLE="$ROOT/examples/pays-exemple.yaml"
STEP=""

step() { STEP="$1"; printf 'smoke: %s… ' "$1"; }
ok() { echo "ok${1:+ ($1)}"; }
fail() { echo "FAILED"; echo "smoke: $STEP: $1" >&2; exit 1; }
starts_with() {  # FILE MAGIC: the file exists and begins with MAGIC
  [[ -s "$1" ]] && [[ "$(head -c "${#2}" "$1")" == "$2" ]]
}

step "--version"
version="$("$APP" --version)" || fail "exit $?"
[[ "$version" =~ ^cooplevier\ [0-9]+\.[0-9]+ ]] || fail "unexpected: $version"
ok "$version"

step "--help"
"$APP" --help >help.txt || fail "exit $?"
grep -q "Utilisation" help.txt && grep -q "atelier" help.txt || fail "no French help listing the commands"
ok

step "plan in HTML"
"$APP" report "$EXAMPLE" --output plan.html || fail "exit $?"
grep -q "<html" plan.html && grep -q "<svg" plan.html || fail "no HTML page with its wheel"
ok

step "plan in Markdown and JSON"
"$APP" report "$EXAMPLE" --output plan.md || fail "exit $?"
"$APP" report "$EXAMPLE" --output plan.json || fail "exit $?"
grep -q "^# " plan.md && grep -q '"priorities"' plan.json || fail "no Markdown title or JSON priorities"
ok

step "plan in DOCX"
"$APP" report "$EXAMPLE" --output plan.docx || fail "exit $?"
starts_with plan.docx "PK" || fail "not a DOCX (zip) file"
ok

step "plan in ODT"
"$APP" report "$EXAMPLE" --output plan.odt || fail "exit $?"
starts_with plan.odt "PK" || fail "not an ODT (zip) file"
ok

# PDF goes through the system's browser (or WeasyPrint in a Python install).
if "$APP" report --help | grep -q "pdf"; then
  step "plan in PDF"
  if "$APP" report "$EXAMPLE" --output plan.pdf 2>pdf.err; then
    starts_with plan.pdf "%PDF" || fail "not a PDF"
    ok
  elif grep -qi "navigateur" pdf.err && [[ -z "${SMOKE_REQUIRE_PDF:-}" ]]; then
    echo "skipped (no browser: $(head -1 pdf.err))"
  else
    fail "$(cat pdf.err)"
  fi
fi
step "handout cards in PDF"
if "$APP" handout cards --output cartes.pdf 2>pdf.err; then
  starts_with cartes.pdf "%PDF" || fail "not a PDF"
  ok
elif grep -qi "navigateur" pdf.err && [[ -z "${SMOKE_REQUIRE_PDF:-}" ]]; then
  echo "skipped (no browser: $(head -1 pdf.err))"
else
  fail "$(cat pdf.err)"
fi

step "a batch of 300 files, with worker processes"
mkdir lot
for i in $(seq 1 300); do
  sed -e "s/^\(  name:\).*/\1 Personne $i/" "$EXAMPLE" >"lot/reponses-$i.yaml"
done
"$APP" score lot --format csv --output scores.csv || fail "exit $?"
rows=$(($(wc -l <scores.csv) - 1))
[[ "$rows" -eq 300 ]] || fail "$rows rows of scores, 300 expected"
"$APP" report lot --output synthese.html || fail "synthesis: exit $?"
"$APP" score lot --output scores.xlsx || fail "workbook: exit $?"
starts_with scores.xlsx "PK" || fail "the workbook is not an XLSX (zip) file"
grep -q "300" synthese.html || fail "the synthesis does not count 300 respondents"
ok "300 scored, synthesis and workbook written"

step "the answer grid written, filled and imported back"
"$APP" questions --format xlsx --output grille.xlsx || fail "exit $?"
starts_with grille.xlsx "PK" || fail "not an XLSX (zip) file"
# nothing typed in the blank grid: refused in French, exit 1
if "$APP" import grille.xlsx --output vide 2>blank.err; then fail "a blank grid was imported"; fi
grep -q "grille.xlsx" blank.err || fail "the refusal does not name the grid: $(cat blank.err)"
# the same layout as a spreadsheet saves it in CSV (French Excel: semicolons), two people typed in
"$APP" questions --blank --output vierge.yaml || fail "blank answer file: exit $?"
{
  printf 'Clé;Question;Choix;Pers. 1;Pers. 2\r\n'
  printf 'territory;;;Pays exemple;Pays exemple\r\nrole;;;élu;technicien\r\nname;;;Anne;Paul\r\n'
  grep -oE '^ *L[0-9]+\.Q[0-9]+' vierge.yaml | tr -d ' ' | while read -r qid; do printf '%s;;;3;4\r\n' "$qid"; done
} >grille.csv
"$APP" import grille.csv --output importees >import.txt 2>&1 || fail "exit $?"
count=$(ls importees/*.yaml | wc -l)
[[ "$count" -eq 2 ]] || fail "$count answer files, 2 expected"
"$APP" validate importees/*.yaml >/dev/null || fail "the imported files do not validate"
ok "2 answer files"

step "the workshop server, one answer posted"
"$APP" atelier atelier --port 0 --format json >links.json 2>atelier.err &
SERVER=$!
for _ in $(seq 1 300); do  # up to 30 s: a first start on a CI runner can be slow
  [[ -s links.json ]] && break
  sleep 0.1
done
participant="$(grep -oE '"participant": *"[^"]+"' links.json | sed -E 's/.*"(http[^"]+)"$/\1/')" \
  || fail "no participant link: $(cat atelier.err)"
csrf_of() { grep -oE 'name="csrf" value="[^"]+"' "$1" | head -1 | sed -E 's/.*value="([^"]+)"/\1/'; }
curl -sf -c jar -b jar "$participant" -o join.html || fail "join page"
question_url="$(curl -sf -c jar -b jar -L -o question.html -w '%{url_effective}' \
  --data-urlencode "csrf=$(csrf_of join.html)" --data-urlencode role=elu --data-urlencode name=Smoke \
  "$participant/rejoindre")" || fail "joining"
if [[ "$question_url" != */question/* ]]; then  # a lever's introduction first: its link to the first question
  link="$(grep -oE 'href="[^"]*/question/[^"]+"' question.html | head -1 | sed -E 's/href="([^"]+)"/\1/')"
  [[ -n "$link" ]] || fail "joining led to $question_url, with no link to a question"
  question_url="${participant%%/a/*}$link"
  curl -sf -c jar -b jar -o question.html "$question_url" || fail "question page $question_url"
fi
qid="${question_url##*/}"
[[ "$qid" =~ ^L[0-9]+\.Q[0-9]+$ ]] || fail "joining did not lead to a question ($question_url)"
curl -sf -c jar -b jar -L -o next.html --data-urlencode "csrf=$(csrf_of question.html)" \
  --data-urlencode "$qid=4" --data-urlencode action=suivant "$question_url" || fail "posting an answer"
grep -qE "^ *$qid: *4" atelier/reponses-*.yaml || fail "the answer is not in the workshop's folder"
stop_server
ok "$qid: 4 written to $(basename atelier/reponses-*.yaml)"

echo "smoke: every step passed ($APP)"
