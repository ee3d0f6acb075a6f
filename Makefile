# The two front-door commands. Everything they need is installed by scripts/ on first use.
.PHONY: run test bench fuzz lint format serve load backup restore-drill

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

bench:
	@bash scripts/bench.sh

serve:
	@bash scripts/serve.sh

load:
	@bash scripts/load.sh

fuzz:
	@bash scripts/fuzz.sh

lint:
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	@.venv/bin/ruff format . && .venv/bin/ruff check --fix .

# Point-in-time recovery (scripts/pitr.sh, docs/operations.md): a backup of the database and
# the media now; the drill restores to this instant into a new cluster and checks it.
backup:
	@bash scripts/pitr.sh backup $(or $(TYPE),incr)

restore-drill:
	@bash scripts/pitr.sh ensure && bash scripts/pitr.sh ensure-db && bash scripts/pitr.sh drill
