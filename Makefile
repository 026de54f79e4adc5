# Thin wrapper: the real build is CMake (see CMakePresets.json); the real setup is scripts/setup.sh.
PRESET ?= release
BUILD  := build/$(PRESET)
FUZZ_SECONDS ?= 60

.PHONY: run test setup build bench fuzz asan tsan clean

run: build
	$(BUILD)/mtpipe selfcheck

test: build fuzz
	ctest --test-dir $(BUILD) --output-on-failure -j2

setup:
	@scripts/setup.sh

build: setup
	@cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET)

bench: build
	scripts/bench.sh $(BUILD)

# Each libFuzzer target for FUZZ_SECONDS, from the committed seeds; a finding fails the run.
fuzz: setup
	@cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz
	scripts/fuzz.sh build/fuzz $(FUZZ_SECONDS)

asan tsan: setup
	@cmake --preset $@ >/dev/null
	cmake --build --preset $@
	ctest --test-dir build/$@ --output-on-failure -j2 -L 'unit|sim|services'

clean:
	rm -rf build
