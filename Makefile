# duban — the two commands are `make demo` and `make test`. See README.md.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
CMAKE_FLAGS ?=
DEMO_DB ?= var/demo.db
# Generated cases of the past year a new demo database gets besides its few hand-written ones, so
# the case KPIs, lights and charts have a year to show (labelled 演示数据，生成). 0 for none.
DEMO_HISTORY ?= 3000
LISTEN ?= 127.0.0.1:8080
# The peers (Request Tracker 5, Redmine) the case-lifecycle benchmark compares with; only `make bench` uses it.
PEERS ?= ../shared/peers

.PHONY: all deps build build-asan web demo test test-unit test-api bench soak fuzz clean help

all: build

help:
	@echo "make demo   install what is missing, build, start the demo server on $(LISTEN)"
	@echo "make test   build and run every test (unit with ASan+UBSan, API on SQLite and PostgreSQL)"
	@echo "make bench  benchmarks (prints figures; see docs/benchmarks.md)"
	@echo "make fuzz   libFuzzer targets (clang, build-fuzz), 600 s each; prints findings"

deps:
	@bash scripts/install-deps all

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(if $(CI),-DDUBAN_WERROR=ON) $(CMAKE_FLAGS)

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDUBAN_SANITIZE=ON $(if $(CI),-DDUBAN_WERROR=ON) $(CMAKE_FLAGS)

build: $(BUILD)/build.ninja web
	cmake --build $(BUILD) -j $(JOBS)

# The web front end (web/dist, served by duban --web-root); exact versions from package-lock.json.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

build-asan: $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests plan_tests plan_import_tests office_tests indicators_tests indicators_engine_tests report_tests geo_tests kpi_tests cases_tests open311_tests registry_tests dispatch_sheet_tests

demo: deps build
	@mkdir -p var
	$(BUILD)/duban serve --db $(DEMO_DB) --listen $(LISTEN) --demo $(if $(wildcard $(DEMO_DB)),,--demo-history $(DEMO_HISTORY))

test: deps build build-asan
	@bash scripts/run-tests

test-unit: build-asan
	python3 tests/with_pg.py bash -c "cd $(ASAN_BUILD) && ctest --output-on-failure"

test-api: build
	python3 tests/api/run_all.py --duban $(BUILD)/duban --backend both

bench: deps build
	@PEERS=$(PEERS) bash bench/run.sh

soak: build
	python3 tests/api/run_all.py --duban $(BUILD)/duban --backend both --only crash --crash-rounds 50

# Long fuzz run: each target FUZZ_SECONDS (600) over fuzz/corpus/<target>; findings in build-fuzz/findings.
FUZZ_SECONDS ?= 600
fuzz:
	@bash scripts/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
