.PHONY: demo test build bench
demo:  ## build dist/ and serve the demo on http://127.0.0.1:8000
	scripts/demo.sh
test:  ## install what tests need and run them all
	scripts/test.sh
build:
	.venv/bin/stigg-portal build
bench:
	.venv/bin/python benchmarks/run.py
