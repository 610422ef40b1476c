# The two commands of the README: `make run` and `make test`. Everything else is a helper.
BUILD ?= build
JOBS  ?= $(shell nproc)
DB    ?= data/remit.db
LISTEN ?= 127.0.0.1:8080

.PHONY: deps build run test demo clean bench

deps:
	bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Creates the demo provider once (data/remit.db), then serves it.
run: build
	@mkdir -p data
	@if [ ! -f $(DB) ]; then $(BUILD)/remit demo --db $(DB); fi
	$(BUILD)/remit serve --db $(DB) --listen $(LISTEN) --print-demo-key

# Every suite runs on SQLite and on a throwaway PostgreSQL 15 cluster started for the run.
test: build
	bash scripts/with-postgres.sh bash -c 'cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 1200'


bench: build
	$(BUILD)/remit bench bill-run --accounts 10000

clean:
	rm -rf $(BUILD)
