//! The layering of `src/`, read from its `use` lines: each folder imports
//! only from the layers below it (parsing knows nothing of the exchange;
//! minting and rendering are leaves), the endpoints do not import each
//! other, and every module imports a name from the module that defines it,
//! not through a re-export.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Which top-level modules each top-level module may import from (itself
/// always). The order is the layering, bottom up.
const ALLOWED: &[(&str, &[&str])] = &[
    ("values", &[]),
    ("errors", &["values"]),
    ("parse", &["values", "errors"]),
    ("mint", &["values", "errors"]),
    ("render", &["values", "errors"]),
    ("client_secret", &["values", "errors", "mint"]),
    (
        "config",
        &["values", "errors", "parse", "mint", "client_secret"],
    ),
    ("store", &["values", "client_secret"]),
    (
        "machine",
        &["values", "errors", "render", "config", "store"],
    ),
    (
        "authenticate",
        &["values", "errors", "parse", "store", "client_secret"],
    ),
    (
        "token",
        &[
            "values",
            "errors",
            "parse",
            "mint",
            "render",
            "config",
            "store",
            "machine",
            "authenticate",
        ],
    ),
    (
        "authorize",
        &[
            "values", "errors", "parse", "mint", "render", "config", "store", "machine",
        ],
    ),
    (
        "revocation",
        &[
            "values",
            "errors",
            "parse",
            "mint",
            "render",
            "config",
            "store",
            "machine",
            "authenticate",
        ],
    ),
    (
        "introspection",
        &[
            "values",
            "errors",
            "parse",
            "mint",
            "render",
            "config",
            "store",
            "machine",
            "authenticate",
        ],
    ),
    (
        "bearer",
        &[
            "values", "errors", "parse", "mint", "render", "config", "store", "machine",
        ],
    ),
    ("metadata", &["values", "render", "config", "mint"]),
    ("guide", &[]),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its module path (`["token",
/// "exchange"]` for `src/token/exchange.rs`, `["token"]` for its `mod.rs`).
fn modules(dir: &Path, path: Vec<String>, out: &mut Vec<(Vec<String>, PathBuf)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let file = entry.unwrap().path();
        let name = file.file_stem().unwrap().to_str().unwrap().to_owned();
        let mut here = path.clone();
        if file.is_dir() {
            here.push(name);
            modules(&file, here, out);
        } else if file.extension().is_some_and(|e| e == "rs") {
            if name != "mod" && name != "lib" {
                here.push(name);
            }
            out.push((here, file));
        }
    }
}

/// The `use crate::...;` statements of a file, each expanded into full
/// paths (`crate::a::{b, c::D}` is `a::b` and `a::c::D`).
fn crate_imports(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("use crate::") {
        let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = rest[line_start..at].trim();
        let after = &rest[at + "use crate::".len()..];
        let end = after.find(';').unwrap();
        if before.is_empty() || before == "pub" || before.starts_with("pub(") {
            expand(&after[..end], Vec::new(), &mut out);
        }
        rest = &after[end..];
    }
    out
}

fn expand(tree: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let mut base = prefix;
        base.extend(
            tree[..open]
                .split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], base.clone(), out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], base, out);
    } else if !tree.is_empty() {
        let mut path = prefix;
        let name = tree.split(" as ").next().unwrap();
        path.extend(name.split("::").map(str::trim).map(String::from));
        out.push(path);
    }
}

/// Whether the module at `path` (a file of `src/`) defines `name`.
fn defines(module: &Path, name: &str) -> bool {
    let text = fs::read_to_string(module).unwrap();
    let kinds = [
        "struct", "enum", "trait", "fn", "type", "const", "static", "mod", "union",
    ];
    text.lines().any(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix("pub(crate) ").or_else(|| line.strip_prefix("pub ")).unwrap_or(line);
        let line = line.strip_prefix("async ").unwrap_or(line);
        let line = line.strip_prefix("const ").filter(|r| r.starts_with("fn ")).unwrap_or(line);
        kinds.iter().any(|kind| {
            line.strip_prefix(kind)
                .and_then(|r| r.strip_prefix(' '))
                .is_some_and(|r| r.starts_with(name) && !r[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
        }) || line == format!("macro_rules! {name} {{")
            || line == format!("use {name};")
            // A type made by a macro of the module: `digest_type! { ..., Name, "what" }`
            // or `form_post_request! { ..., Name, Parsed, Error, parse }`.
            || line.starts_with(&format!("{name}, \""))
            || line == format!("{name},")
    })
}

/// The file of module `path`, if it is one.
fn file_of(path: &[String]) -> Option<PathBuf> {
    let mut base = src();
    for segment in path {
        base.push(segment);
    }
    let file = base.with_extension("rs");
    if file.is_file() {
        return Some(file);
    }
    let mod_rs = base.join("mod.rs");
    mod_rs.is_file().then_some(mod_rs)
}

#[test]
fn every_layer_imports_only_from_below_and_from_where_a_name_is_defined() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    modules(&src(), Vec::new(), &mut files);
    let mut problems = Vec::new();
    for (module, file) in &files {
        let text = fs::read_to_string(file).unwrap();
        let shown = file.strip_prefix(src()).unwrap().display().to_string();
        let Some(top) = module.first() else {
            continue; // lib.rs re-exports the public API
        };
        let Some(may) = allowed.get(top.as_str()) else {
            problems.push(format!("{shown}: module {top} has no place in ALLOWED"));
            continue;
        };
        for path in crate_imports(&text) {
            let layer = path[0].as_str();
            if layer != top && !may.contains(&layer) {
                problems.push(format!(
                    "{shown}: {top} imports {} from {layer}",
                    path.join("::")
                ));
            }
            let (name, parent) = path.split_last().unwrap();
            let is_module = file_of(&path).is_some();
            let defined = parent.is_empty() || file_of(parent).is_some_and(|f| defines(&f, name));
            if !is_module && !defined {
                problems.push(format!(
                    "{shown}: {} is not defined in the module it is imported from",
                    path.join("::")
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_imports_and_their_layers() {
    // The parser of use lines, on the shapes src/ uses.
    let text = "use crate::a::b::C;\nuse crate::x::{y, z::{W, V as U}};\n    pub(crate) use crate::m::N;\n// use crate::no::Thing;\n";
    let paths: Vec<String> = crate_imports(text)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(paths, ["a::b::C", "x::y", "x::z::W", "x::z::V", "m::N"]);
    // And a real import it must accept, and a re-export it must refuse.
    assert!(defines(&src().join("values/scope.rs"), "Scope"));
    assert!(!defines(&src().join("values/mod.rs"), "Scope"));
    assert!(
        ALLOWED
            .iter()
            .all(|(layer, _)| file_of(&[(*layer).to_owned()]).is_some())
    );
}

#[test]
fn the_crate_root_exposes_few_names() {
    let lib = fs::read_to_string(src().join("lib.rs")).unwrap();
    let mut names = Vec::new();
    for path in crate_imports(&lib.replace("pub use ", "pub use crate::")) {
        names.push(path.last().unwrap().clone());
    }
    assert!(
        names.len() <= 40,
        "{} names at the root: {names:?}",
        names.len()
    );
}
