# Puts the project's build tools first on PATH: cargo's bin (cargo-leptos,
# wasm-bindgen) and tools/node_modules/.bin (wasm-opt). Source it from the repo root:
#   source scripts/env.sh && cargo leptos watch --split
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
