# The two front-door commands. Everything they need is installed by scripts/ on first use.
.PHONY: run test bench fuzz lint format serve load

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
