//! The crate's layers import downwards only: the graph of which top-level module of `src/`
//! names which (outside comments) has no circle, and the domain and the model know nothing of
//! HTTP, OCS, requests or the app.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Top-level module → the top-level modules and outside crates its code names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("below src");
        let first = relative
            .components()
            .next()
            .expect("a path")
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a source file");
        let named = graph.entry(module.clone()).or_default();
        for line in text.lines().map(str::trim).filter(|l| !l.starts_with("//")) {
            for (index, _) in line.match_indices("crate::") {
                let preceded_by_ident = line[..index]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
                let name: String = line[index + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !preceded_by_ident && !name.is_empty() && name != module {
                    named.insert(name);
                }
            }
            for outside in ["lambda_http", "http::"] {
                if line.contains(outside) {
                    named.insert(outside.trim_end_matches("::").to_string());
                }
            }
        }
    }
    graph
}

#[test]
fn the_domain_and_the_model_know_nothing_of_http_ocs_requests_or_the_app() {
    let graph = imports();
    for module in ["domain", "model"] {
        let named = &graph[module];
        for upper in [
            "app",
            "request",
            "ocs",
            "routing",
            "view",
            "lambda",
            "lambda_http",
            "http",
        ] {
            assert!(!named.contains(upper), "{module} names {upper}: {named:?}");
        }
    }
    assert!(
        graph["model"].iter().all(|m| !graph.contains_key(m)),
        "the model imports no other module: {:?}",
        graph["model"]
    );
}

#[test]
fn the_module_graph_has_no_circle() {
    let graph = imports();
    fn visit<'a>(
        module: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) {
        if done.contains(module) {
            return;
        }
        assert!(!path.contains(&module), "import circle: {path:?} → {module}");
        path.push(module);
        for next in graph.get(module).into_iter().flatten() {
            if graph.contains_key(next) {
                visit(next, graph, path, done);
            }
        }
        path.pop();
        done.insert(module);
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
    assert!(graph.len() >= 10, "every module was read: {:?}", graph.keys());
}
