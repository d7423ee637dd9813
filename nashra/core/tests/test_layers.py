"""The layers of STYLE.md, read from the source (ast; nothing is imported).

    arabic ← core ← news ← {comments, search, discovery, distribution, accounts, wire, live}
    ← wordpress
    ← the project

Arrows point down: a module imports from its own app and from the apps below it, never from
one above it nor from a peer of the same row. Settings import no app code, `nashra.arabic`
imports no Django, and no app imports another app's `_private` names (STYLE.md, habit 13):
it uses its services, selectors or another exported function.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import nashra

PACKAGE = Path(nashra.__file__).parent
ROOT = PACKAGE.parent

# Each top-level app and project module under nashra/, by row: lower rows may not import
# higher ones, and the apps of a row may not import one another.
ROWS = [
    {"arabic"},
    {"core"},
    {"news"},
    {"comments", "search", "discovery", "distribution", "accounts", "wire", "live"},
    {"wordpress"},
    # The project: URLs, WSGI entry, the `nashra` command and the shared test fixtures.
    # formats: Django's Arabic date formats (FORMAT_MODULE_PATH), named by the settings only.
    {"urls", "wsgi", "cli", "conftest", "formats"},
]
ROW = {app: row for row, apps in enumerate(ROWS) for app in apps}
SETTINGS = "settings"

# Upward or sideways imports in app code that exist today, each with why. None: keep it so.
ALLOWED_ARROWS: set[tuple[str, str]] = set()
# Tests of a lower app that import a higher one today (28 imports): each drives the site as a
# whole — a core test publishes a story through the news services and reads the page it
# renders, with its comments and related stories. Not to grow without a reason here.
ALLOWED_TEST_ARROWS = {
    ("core", "news"),  # stories and sections for the cache, fragment and router tests
    ("core", "comments"),  # comment counts and threads invalidated by the page cache
    ("core", "discovery"),  # related and most-read blocks kept by the fragment cache
    ("core", "search"),  # test_framework_internals checks the search engine's tables
    ("core", "live"),  # a live entry reaching pollers through the shipped nginx (test_nginx)
    ("news", "comments"),  # a story page's comment block and its query count
    ("news", "discovery"),  # a story page's related stories and view beacon
    ("live", "discovery"),  # the breaking bar pointing at a live story
}

# Uses of another app's private names other than imports (`module._name`) that exist today.
ALLOWED_PRIVATE_ATTRIBUTES = {
    # A test that counts the reads of the shared store by spying on the one function that
    # makes them; fragments has no public hook for it.
    ("nashra/news/tests/test_header_menu.py", "nashra.core.fragments._read_generations"),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    path: str  # its file, relative to the repository
    target: str  # the module imported from, dotted
    names: tuple[str, ...]  # the names imported from it (empty for `import x`)
    line: int

    def __str__(self) -> str:
        names = f" ({', '.join(self.names)})" if self.names else ""
        return f"{self.path}:{self.line} {self.module} -> {self.target}{names}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _app(module: str) -> str:
    """The top-level app (or project module) of a dotted nashra module: nashra.news.x → news."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_test(path: str) -> bool:
    return "/tests/" in path or path.endswith("conftest.py")


def _is_module(dotted: str) -> bool:
    relative = Path(*dotted.split("."))
    return (ROOT / relative).with_suffix(".py").exists() or (ROOT / relative).is_dir()


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The dotted module a `from … import` names, relative ones resolved."""
    if not node.level:
        return node.module or ""
    base = (module if is_package else module.rpartition(".")[0]).split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _parsed():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        yield path, _module_name(path), relative, ast.parse(path.read_text(), relative)


def _imports() -> list[Import]:
    found = []
    for path, module, relative, tree in _parsed():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [Import(module, relative, alias.name, (), node.lineno)
                          for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(node, module, path.name == "__init__.py")
                names = tuple(alias.name for alias in node.names)
                found.append(Import(module, relative, target, names, node.lineno))
    return found


IMPORTS = _imports()


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _other_app(module: str, target: str) -> bool:
    return target.startswith("nashra.") and _app(target) != _app(module)


def _private_uses(imp: Import) -> list[str]:
    """What `imp` takes from another app that is private: names, or private module segments."""
    if not _other_app(imp.module, imp.target):
        return []
    segments = [s for s in imp.target.split(".") if _private(s)]
    names = [n for n in imp.names if _private(n)]
    return segments + names


def _private_attribute_uses() -> list[str]:
    """`module._name` where `module` is another app's module, imported as a whole."""
    found = []
    for path, module, relative, tree in _parsed():
        bound = {}  # local name → the other app's module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(node, module, path.name == "__init__.py")
                for alias in node.names:
                    dotted = f"{target}.{alias.name}"
                    if _other_app(module, dotted) and _is_module(dotted):
                        bound[alias.asname or alias.name] = dotted
            elif isinstance(node, ast.Import):
                bound.update({alias.asname: alias.name for alias in node.names
                              if alias.asname and _other_app(module, alias.name)})
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and _private(node.attr)
                    and isinstance(node.value, ast.Name) and node.value.id in bound):
                used = f"{bound[node.value.id]}.{node.attr}"
                if (relative, used) not in ALLOWED_PRIVATE_ATTRIBUTES:
                    found.append(f"{relative}:{node.lineno} {module} -> {used}")
    return found


def test_no_module_imports_another_apps_private_names():
    found = [f"{imp}: {', '.join(_private_uses(imp))}" for imp in IMPORTS
             if _private_uses(imp)]
    found += _private_attribute_uses()
    assert not found, (
        "modules that use another app's private names (export a public function in that "
        "app's services/selectors instead, STYLE.md habit 13):\n" + "\n".join(found))


def test_every_app_has_a_row():
    apps = {_app(_module_name(p)) for p in PACKAGE.rglob("*.py")} - {"", SETTINGS}
    unplaced = sorted(apps - set(ROW))
    assert not unplaced, f"place {unplaced} in a row of ROWS (and of STYLE.md's layers)"


def test_imports_point_down():
    found = []
    for imp in IMPORTS:
        source, target = _app(imp.module), _app(imp.target)
        allowed = ALLOWED_ARROWS
        if _is_test(imp.path):
            # Tests may also use the shared fixtures and read the settings modules they test.
            allowed = ALLOWED_TEST_ARROWS | {(source, "conftest"), (source, SETTINGS)}
        if source == SETTINGS or not _other_app(imp.module, imp.target) or (
                (source, target) in allowed):
            continue
        if target == SETTINGS:
            found.append(f"{imp}  [app code reads django.conf.settings, not nashra.settings]")
        elif target not in ROW:
            found.append(f"{imp}  [{target} has no row in ROWS]")
        elif ROW[target] >= ROW[source]:
            kind = "sideways" if ROW[target] == ROW[source] else "upward"
            found.append(f"{imp}  [{kind}: {source} -> {target}]")
    assert not found, "imports against STYLE.md's layers:\n" + "\n".join(found)


def test_settings_import_no_app_code():
    found = [str(imp) for imp in IMPORTS
             if _app(imp.module) == SETTINGS and imp.target.startswith("nashra.")
             and _app(imp.target) != SETTINGS]
    assert not found, "settings import app code:\n" + "\n".join(found)


def test_arabic_imports_no_django():
    found = [str(imp) for imp in IMPORTS
             if _app(imp.module) == "arabic" and not _is_test(imp.path)
             and imp.target.split(".")[0] in {"django", "wagtail", "modelsearch"}]
    assert not found, "nashra.arabic is pure Python:\n" + "\n".join(found)


def test_the_walk_sees_the_imports_it_checks():
    # A guard for the test itself: relative imports resolve, and known arrows are seen.
    edges = {(imp.module, imp.target) for imp in IMPORTS}
    assert ("nashra.search.engine", "nashra.news.models") in edges
    assert ("nashra.news.selectors", "nashra.news.models") in edges  # from .models import …
    assert _private_uses(Import("nashra.wordpress.x", "nashra/wordpress/x.py",
                                "nashra.news.corpus", ("_step", "public"), 1)) == ["_step"]
    assert _private_uses(Import("nashra.news.tests.t", "nashra/news/tests/t.py",
                                "nashra.news.corpus", ("_step",), 1)) == []
