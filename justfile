# Recipes call the npm scripts, so `just X` and `npm run X` do the same thing.
# `npx just test` works on a fresh clone after `npm install` (rust-just is a dev dependency).

default: test

# typecheck, lint and the whole test suite
test:
    npm test

# benchmarks against native async/await, Effect and Effection; rewrites the tables of docs/benchmarks.md
bench:
    npm run bench

# API docs (TypeDoc) and the guides, with figures drawn from traces, into docs/api
docs:
    npm run docs

# the guided tour: real programs on the runtime, step by step; pictures in demo-out/
demo:
    npm run demo

# the compiled package in dist/
build:
    npm run build
