//! Where decks and rubrics come from: the built-in library embedded in the
//! binary, user folders (`--library DIR`, `PLANMARK_LIBRARY`, the platform data
//! dir), and explicit paths. Later sources override earlier ones by id.

use crate::error::{Error, Result, read_text};
use crate::model::{self, Card, Deck, FileDiagnostics, Rubric, diag::did_you_mean};
use include_dir::{Dir, include_dir};
use std::path::{Path, PathBuf};

static BUILTIN_DECKS: Dir = include_dir!("$CARGO_MANIFEST_DIR/decks");
static BUILTIN_RUBRICS: Dir = include_dir!("$CARGO_MANIFEST_DIR/rubrics");

/// Deck and rubric files larger than this are refused.
pub const FILE_LIMIT: u64 = 4 * 1024 * 1024;

/// Where an item was loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn(PathBuf),
    File(PathBuf),
}

impl Origin {
    pub fn path(&self) -> &Path {
        match self {
            Origin::BuiltIn(p) | Origin::File(p) => p,
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::BuiltIn(p) => write!(f, "built-in ({})", p.display()),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Entry<T> {
    pub item: T,
    pub origin: Origin,
    /// The file's text, e.g. to hash a rubric or show it.
    pub text: String,
}

/// Every deck and rubric that could be found, plus the files that failed to load.
#[derive(Debug, Default)]
pub struct Library {
    pub decks: Vec<Entry<Deck>>,
    pub rubrics: Vec<Entry<Rubric>>,
    /// Files that did not parse; reported when they matter, never fatal for
    /// unrelated commands.
    pub problems: Vec<FileDiagnostics>,
}

/// The data files of one embedded folder, as (path shown to people, text).
fn builtin_files<'a>(
    dir: &'a Dir<'static>,
    folder: &'static str,
) -> impl Iterator<Item = (PathBuf, &'a str)> {
    dir.files()
        .filter(|f| is_data_file(f.path()))
        .filter_map(move |f| Some((PathBuf::from(folder).join(f.path()), f.contents_utf8()?)))
}

/// Whether a rubric argument names a file rather than an id: an existing
/// file, or a `.toml` / `.json` name ([`Library::rubric`] reads it).
fn names_a_file(id_or_path: &str) -> bool {
    Path::new(id_or_path).is_file()
        || id_or_path.ends_with(".toml")
        || id_or_path.ends_with(".json")
}

fn is_data_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("toml" | "json")
    ) && !p
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains(".samples."))
}

impl Library {
    /// The built-in library only. Its files are parsed without the checks
    /// (a test runs every one of them through the checks instead), because
    /// every command loads it before doing anything else.
    pub fn builtin() -> Library {
        let mut lib = Library::default();
        for (path, text) in builtin_files(&BUILTIN_DECKS, "decks") {
            match model::parse_trusted::<Deck>(&path, text) {
                Ok(item) => lib.put_deck(item, Origin::BuiltIn(path), text.to_string()),
                Err(d) => lib.problems.push(d),
            }
        }
        for (path, text) in builtin_files(&BUILTIN_RUBRICS, "rubrics") {
            match model::parse_trusted::<Rubric>(&path, text) {
                Ok(item) => lib.put_rubric(item, Origin::BuiltIn(path), text.to_string()),
                Err(d) => lib.problems.push(d),
            }
        }
        lib
    }

    /// The built-in library plus every folder given, in order (later wins).
    /// A folder may hold `decks/` and `rubrics/` sub-folders, or the files
    /// themselves (a file with `[[factor]]` is a rubric, with `[[card]]` a deck).
    /// Folders that do not exist are skipped.
    pub fn load(dirs: &[PathBuf]) -> Library {
        let mut lib = Library::builtin();
        for dir in dirs {
            lib.add_dir(dir);
        }
        lib
    }

    /// What [`Library::load`]`(dirs)` gives [`Library::rubric`]`(id)` and
    /// the deck of that rubric's card, without parsing the other built-in
    /// files: grading one plan spent a sixth of its instructions parsing
    /// every built-in deck and rubric. The built-in rubric is the one in
    /// `rubrics/ID.toml` and its deck the one in `decks/DECK.toml`; the
    /// folders are read whole, later winning as in `load`. Whatever this
    /// cannot settle (a path, an id no built-in file is named after, a card
    /// whose deck is not found) gets `load(dirs)` itself, so the rubric, the
    /// deck and the problems reported are always `load`'s.
    pub fn load_for_rubric(dirs: &[PathBuf], id: &str) -> Library {
        if names_a_file(id) {
            return Library::load(dirs);
        }
        let named = |folder: &'static Dir<'static>, sub: &'static str, stem: &str| {
            builtin_files(folder, sub)
                .find(|(p, _)| p.file_stem().and_then(|s| s.to_str()) == Some(stem))
        };
        let mut lib = Library::default();
        if let Some((path, text)) = named(&BUILTIN_RUBRICS, "rubrics", id) {
            match model::parse_trusted::<Rubric>(&path, text) {
                Ok(item) => lib.put_rubric(item, Origin::BuiltIn(path), text.to_string()),
                Err(_) => return Library::load(dirs),
            }
        }
        for dir in dirs {
            lib.add_dir(dir);
        }
        let Some(rubric) = lib.rubrics.iter().find(|r| r.item.id == id) else {
            return Library::load(dirs);
        };
        // A deck from the folders replaced the built-in one of its id, so
        // the built-in is wanted only when no folder has that deck.
        if let Some((deck, _)) = rubric.item.card.as_deref().and_then(|c| c.split_once('/'))
            && !lib.decks.iter().any(|d| d.item.id == deck)
        {
            let Some((path, text)) = named(&BUILTIN_DECKS, "decks", deck) else {
                return Library::load(dirs);
            };
            match model::parse_trusted::<Deck>(&path, text) {
                Ok(item) if item.id == deck => {
                    lib.put_deck(item, Origin::BuiltIn(path), text.to_string())
                }
                _ => return Library::load(dirs),
            }
        }
        lib
    }

    fn add_dir(&mut self, dir: &Path) {
        for (sub, kind) in [
            ("decks", Some(Kind::Deck)),
            ("rubrics", Some(Kind::Rubric)),
            ("", None),
        ] {
            let folder = if sub.is_empty() {
                dir.to_path_buf()
            } else {
                dir.join(sub)
            };
            let Ok(read) = std::fs::read_dir(&folder) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = read
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && is_data_file(p))
                .collect();
            paths.sort();
            for path in paths {
                let text = match read_text(&path, FILE_LIMIT, "a deck or rubric") {
                    Ok(t) => t,
                    Err(e) => {
                        self.problems.push(FileDiagnostics {
                            path: path.clone(),
                            text: String::new(),
                            diagnostics: vec![model::Diagnostic::error(e.to_string())],
                        });
                        continue;
                    }
                };
                match kind.or_else(|| Kind::sniff(&text)) {
                    Some(Kind::Deck) => self.add_deck(text, Origin::File(path)),
                    Some(Kind::Rubric) => self.add_rubric(text, Origin::File(path)),
                    None => {}
                }
            }
        }
    }

    fn add_deck(&mut self, text: String, origin: Origin) {
        match model::parse_deck(origin.path(), &text) {
            Ok(item) => self.put_deck(item, origin, text),
            Err(d) => self.problems.push(d),
        }
    }

    fn add_rubric(&mut self, text: String, origin: Origin) {
        match model::parse_rubric(origin.path(), &text) {
            Ok(item) => self.put_rubric(item, origin, text),
            Err(d) => self.problems.push(d),
        }
    }

    fn put_deck(&mut self, item: Deck, origin: Origin, text: String) {
        self.decks.retain(|d| d.item.id != item.id);
        self.decks.push(Entry { item, origin, text });
    }

    fn put_rubric(&mut self, item: Rubric, origin: Origin, text: String) {
        self.rubrics.retain(|r| r.item.id != item.id);
        self.rubrics.push(Entry { item, origin, text });
    }

    /// A rubric by id, or by path to a `.toml` / `.json` file.
    pub fn rubric(&self, id_or_path: &str) -> Result<Entry<Rubric>> {
        let path = Path::new(id_or_path);
        if names_a_file(id_or_path) {
            let text = read_text(path, FILE_LIMIT, "a rubric")?;
            let item = model::parse_rubric(path, &text)?;
            return Ok(Entry {
                item,
                origin: Origin::File(path.to_path_buf()),
                text,
            });
        }
        if let Some(e) = self.rubrics.iter().find(|r| r.item.id == id_or_path) {
            return Ok(e.clone());
        }
        // A rubric with this id that failed to load: show why.
        if let Some(p) = self
            .problems
            .iter()
            .find(|p| p.path.file_stem().and_then(|s| s.to_str()) == Some(id_or_path))
        {
            return Err(Error::Invalid(Box::new(p.clone())));
        }
        let known: Vec<String> = self.rubrics.iter().map(|r| r.item.id.clone()).collect();
        Err(Error::NotFound {
            kind: "rubric",
            id: id_or_path.to_string(),
            suggestion: did_you_mean(id_or_path, known.iter().map(String::as_str))
                .map(str::to_string),
            known,
        })
    }

    pub fn deck(&self, id: &str) -> Result<&Entry<Deck>> {
        self.decks.iter().find(|d| d.item.id == id).ok_or_else(|| {
            let known: Vec<String> = self.decks.iter().map(|d| d.item.id.clone()).collect();
            Error::NotFound {
                kind: "deck",
                id: id.to_string(),
                suggestion: did_you_mean(id, known.iter().map(String::as_str)).map(str::to_string),
                known,
            }
        })
    }

    /// A card by `DECK/CARD`, or by card id alone when only one deck has it.
    pub fn card(&self, reference: &str) -> Result<(&Deck, &Card)> {
        if let Some((deck_id, card_id)) = reference.split_once('/') {
            let deck = &self.deck(deck_id)?.item;
            return deck
                .cards
                .iter()
                .find(|c| c.id == card_id)
                .map(|c| (deck, c))
                .ok_or_else(|| self.card_not_found(reference, Some(deck)));
        }
        let found: Vec<(&Deck, &Card)> = self
            .decks
            .iter()
            .flat_map(|d| d.item.cards.iter().map(move |c| (&d.item, c)))
            .filter(|(_, c)| c.id == reference)
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(self.card_not_found(reference, None)),
            many => Err(Error::AmbiguousCard {
                id: reference.to_string(),
                decks: many.iter().map(|(d, _)| d.id.clone()).collect(),
            }),
        }
    }

    fn card_not_found(&self, reference: &str, deck: Option<&Deck>) -> Error {
        let known: Vec<String> = self
            .decks
            .iter()
            .filter(|d| deck.is_none_or(|x| x.id == d.item.id))
            .flat_map(|d| {
                d.item
                    .cards
                    .iter()
                    .map(move |c| format!("{}/{}", d.item.id, c.id))
            })
            .collect();
        let target = reference.rsplit('/').next().unwrap_or(reference);
        let suggestion = known
            .iter()
            .map(|k| (k, k.rsplit('/').next().unwrap_or(k)))
            .find(|(_, c)| did_you_mean(target, [*c]).is_some())
            .map(|(k, _)| k.clone());
        Error::NotFound {
            kind: "card",
            id: reference.to_string(),
            suggestion,
            known,
        }
    }

    /// The teacher-marked samples for a rubric: `ID.samples.toml` (or
    /// `.samples.jsonl`) beside the rubric file.
    pub fn samples_for(&self, entry: &Entry<Rubric>) -> Option<(PathBuf, String)> {
        let stem = entry.origin.path().file_stem()?.to_str()?.to_string();
        match &entry.origin {
            Origin::BuiltIn(_) => ["toml", "jsonl"].iter().find_map(|ext| {
                let name = format!("{stem}.samples.{ext}");
                let f = BUILTIN_RUBRICS.get_file(&name)?;
                Some((
                    PathBuf::from("rubrics").join(name),
                    f.contents_utf8()?.to_string(),
                ))
            }),
            Origin::File(path) => ["toml", "jsonl"].iter().find_map(|ext| {
                let p = path.with_file_name(format!("{stem}.samples.{ext}"));
                let text = read_text(&p, FILE_LIMIT, "a samples file").ok()?;
                Some((p, text))
            }),
        }
    }

    /// Every card of the library (or of one deck) as `DECK/CARD`, in deck order.
    pub fn card_ids(&self, deck: Option<&str>) -> Result<Vec<String>> {
        if let Some(d) = deck {
            self.deck(d)?;
        }
        Ok(self
            .decks
            .iter()
            .filter(|d| deck.is_none_or(|x| x == d.item.id))
            .flat_map(|d| {
                d.item
                    .cards
                    .iter()
                    .map(move |c| format!("{}/{}", d.item.id, c.id))
            })
            .collect())
    }

    /// A loaded rubric by id only: unlike [`Library::rubric`], never a path,
    /// so text from a web request can never name a file.
    pub fn rubric_by_id(&self, id: &str) -> Option<&Entry<Rubric>> {
        self.rubrics.iter().find(|r| r.item.id == id)
    }

    /// The rubric that marks a card (its `card` key names `DECK/CARD`).
    pub fn rubric_for_card(&self, deck: &str, card: &str) -> Option<&Entry<Rubric>> {
        let full = format!("{deck}/{card}");
        self.rubrics
            .iter()
            .find(|r| r.item.card.as_deref() == Some(full.as_str()))
            .or_else(|| {
                self.rubrics
                    .iter()
                    .find(|r| r.item.id == card && r.item.card.is_none())
            })
    }
}

/// Whether a file's text reads as a deck (it has cards and no factors).
pub fn looks_like_deck(text: &str) -> bool {
    matches!(Kind::sniff(text), Some(Kind::Deck))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deck,
    Rubric,
}

impl Kind {
    fn sniff(text: &str) -> Option<Kind> {
        if text.trim_start().starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(text).ok()?;
            return if v.get("factor").is_some() {
                Some(Kind::Rubric)
            } else if v.get("card").is_some_and(serde_json::Value::is_array) {
                Some(Kind::Deck)
            } else {
                None
            };
        }
        let has = |key: &str| {
            text.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with(&format!("[[{key}]]")) || l.starts_with(&format!("\"{key}\""))
            })
        };
        if has("factor") {
            Some(Kind::Rubric)
        } else if has("card") {
            Some(Kind::Deck)
        } else {
            None
        }
    }
}

/// The folders searched after the built-in library, lowest priority first:
/// the platform data dir's `library/`, then `PLANMARK_LIBRARY` (a list of
/// folders separated like PATH), then `--library` folders.
pub fn search_dirs(cli_dirs: &[PathBuf], env_value: Option<std::ffi::OsString>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(p) = directories::ProjectDirs::from("", "", "planmark") {
        dirs.push(p.data_dir().join("library"));
    }
    if let Some(v) = env_value {
        dirs.extend(std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs.extend(cli_dirs.iter().cloned());
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `builtin()` skips the checks, so every embedded file must pass them
    /// here: this is what makes skipping them safe.
    #[test]
    fn every_builtin_file_passes_the_checks_that_loading_skips() {
        let decks: Vec<_> = builtin_files(&BUILTIN_DECKS, "decks").collect();
        let rubrics: Vec<_> = builtin_files(&BUILTIN_RUBRICS, "rubrics").collect();
        assert!(!decks.is_empty() && rubrics.len() >= 16);
        for (path, text) in decks {
            if let Err(d) = model::parse_deck(&path, text) {
                panic!("{}: {:?}", path.display(), d.diagnostics);
            }
        }
        for (path, text) in rubrics {
            if let Err(d) = model::parse_rubric(&path, text) {
                panic!("{}: {:?}", path.display(), d.diagnostics);
            }
        }
        let lib = Library::builtin();
        assert!(lib.problems.is_empty());
        assert!(lib.rubric("stalin-trotsky").is_ok());
    }

    #[test]
    fn files_in_a_flat_folder_are_told_apart() {
        assert_eq!(
            Kind::sniff("id = \"r\"\n[[factor]]\nid = \"a\""),
            Some(Kind::Rubric)
        );
        assert_eq!(
            Kind::sniff("id = \"d\"\n[[card]]\nid = \"c\""),
            Some(Kind::Deck)
        );
        assert_eq!(
            Kind::sniff(r#"{"id": "r", "factor": []}"#),
            Some(Kind::Rubric)
        );
        assert_eq!(Kind::sniff(r#"{"id": "d", "card": []}"#), Some(Kind::Deck));
        assert_eq!(Kind::sniff("title = 'notes'"), None);
    }

    #[test]
    fn search_dirs_put_cli_folders_last() {
        let dirs = search_dirs(&[PathBuf::from("/cli")], Some("/env1:/env2".into()));
        assert_eq!(dirs.last(), Some(&PathBuf::from("/cli")));
        assert!(dirs.contains(&PathBuf::from("/env1")) && dirs.contains(&PathBuf::from("/env2")));
    }

    /// What grading reads from `load_for_rubric(dirs, id)`: the rubric, its
    /// card's deck, and the problems to report, each as (origin, text).
    fn grading_view(lib: &Library, id: &str) -> (String, String, Vec<PathBuf>) {
        let found = lib.rubric(id);
        let deck = found
            .as_ref()
            .ok()
            .and_then(|e| {
                let (deck, _) = e.item.card.as_deref()?.split_once('/')?;
                let d = lib.deck(deck).ok()?;
                Some(format!("{}\n{}", d.origin, d.text))
            })
            .unwrap_or_default();
        let rubric = found
            .map(|e| format!("{}\n{}", e.origin, e.text))
            .unwrap_or_else(|e| format!("error: {e}"));
        (
            rubric,
            deck,
            lib.problems.iter().map(|p| p.path.clone()).collect(),
        )
    }

    /// `load_for_rubric` answers as `load` does for every built-in id, for
    /// a folder that replaces a rubric and a deck and holds a broken file,
    /// for an unknown id and for a path.
    #[test]
    fn loading_for_one_rubric_gives_what_the_whole_library_gives() {
        let dir = std::env::temp_dir().join(format!("planmark-lib-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("rubrics")).unwrap();
        std::fs::create_dir_all(dir.join("decks")).unwrap();
        let women = builtin_files(&BUILTIN_RUBRICS, "rubrics")
            .find(|(p, _)| p.ends_with("women.toml"))
            .unwrap()
            .1
            .replacen("label = ", "label = \"Replaced\" # ", 1);
        std::fs::write(dir.join("rubrics/mine.toml"), &women).unwrap();
        std::fs::write(
            dir.join("rubrics/broken.toml"),
            "id = \"broken\"\n[[factor\n",
        )
        .unwrap();
        let deck = builtin_files(&BUILTIN_DECKS, "decks").next().unwrap().1;
        std::fs::write(dir.join("decks/copy.toml"), deck).unwrap();
        let ids: Vec<String> = Library::builtin()
            .rubrics
            .iter()
            .map(|r| r.item.id.clone())
            .collect();
        assert!(ids.len() >= 16);
        let extra = ["no-such-rubric", "stalin-trotsky.toml", "broken"];
        for dirs in [vec![], vec![dir.clone()]] {
            let whole = Library::load(&dirs);
            for id in ids.iter().map(String::as_str).chain(extra) {
                let one = Library::load_for_rubric(&dirs, id);
                assert_eq!(
                    grading_view(&one, id),
                    grading_view(&whole, id),
                    "{id} {dirs:?}"
                );
            }
        }
        // The folder's rubric and deck were the ones compared.
        let one = Library::load_for_rubric(std::slice::from_ref(&dir), "women");
        assert!(matches!(
            one.rubric("women").unwrap().origin,
            Origin::File(_)
        ));
        assert_eq!(one.problems.len(), 1);
        // The built-in case parsed one rubric and one deck, not all of them.
        let lean = Library::load_for_rubric(&[], "stalin-trotsky");
        assert_eq!((lean.rubrics.len(), lean.decks.len()), (1, 1));
        std::fs::remove_dir_all(&dir).ok();
    }
}
