"""The hexagon holds: a pure core, lazy heavy imports, and a wheel with both packages."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "pusher_core"
EFFECTFUL = {
    "socket",
    "ssl",
    "http.client",
    "http.server",
    "urllib.request",
    "urllib3",
    "requests",
    "time",
    "random",
    "secrets",
    "subprocess",
    "asyncio",
    "pusher_core.adapters",
}
EFFECTFUL_ATTRIBUTES = {("os", "environ"), ("os", "getenv"), ("os", "urandom"), ("time", "time")}


def _top_level_imports(tree: ast.Module) -> set[str]:
    top: list[ast.stmt] = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return _imports(ast.Module(body=top, type_ignores=[]))


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _banned(name: str) -> bool:
    return any(name == b or name.startswith(f"{b}.") for b in EFFECTFUL)


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_module_is_pure(path: Path) -> None:
    """No core module but client.py imports anything effectful or touches os.environ."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if path.name == "client.py":
        # The shell may import time/secrets, and adapters only inside a function.
        top_level = _top_level_imports(tree)
        assert not {n for n in top_level if n.startswith("pusher_core.adapters")}, (
            "adapters must be imported lazily"
        )
        return
    bad = {name for name in _imports(tree) if _banned(name)}
    attributes = {
        (node.value.id, node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"
    assert not attributes & EFFECTFUL_ATTRIBUTES, (
        f"{path.name} uses {attributes & EFFECTFUL_ATTRIBUTES}"
    )


@pytest.mark.parametrize("path", sorted((CORE / "testing").glob("*.py")), ids=lambda p: p.name)
def test_testing_module_is_pure_but_for_the_fake_clock(path: Path) -> None:
    """`pusher_core.testing` is held to the core's rule, with one exception.

    `FakeChannels(clock=time.time)` defaults its clock for convenience (its `handle(request,
    now)` core takes the time as an argument), so `fake.py` alone may import `time` and
    read nothing else effectful.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = {"time"} if path.name == "fake.py" else set()
    bad = {name for name in _imports(tree) if _banned(name) and name not in allowed}
    assert not bad, f"testing/{path.name} imports {sorted(bad)}"


def test_nacl_is_imported_only_inside_functions() -> None:
    """`nacl` never appears in a module-level import of the core."""
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _top_level_imports(tree)
        assert not {n for n in names if n.startswith("nacl")}, path.name


def test_import_is_light() -> None:
    """`import pusher_core` and its adapters load neither urllib3, nacl, requests nor sockets."""
    code = (
        "import sys, pusher_core, pusher_core.adapters, pusher_core.client;"
        "heavy = ('urllib3', 'nacl', 'requests', 'socket', 'http.client', 'ssl');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_module_declares_all() -> None:
    """Every module of both packages has a curated `__all__`."""
    for package in ("pusher_core", "adapters"):
        for path in (ROOT / package).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            targets = {
                t.id
                for node in tree.body
                if isinstance(node, (ast.Assign, ast.AnnAssign))
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(t, ast.Name)
            }
            assert "__all__" in targets, f"{package}/{path.name}"


def test_wheel_has_one_top_level_name(tmp_path: Path) -> None:
    """The wheel adds one top-level import name, pusher_core, with py.typed and the adapters."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("pusher_core-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"pusher_core"}
    assert "pusher_core/py.typed" in names
    adapters = {p.name for p in (ROOT / "adapters").glob("*.py")}
    assert {f"pusher_core/adapters/{name}" for name in adapters} <= set(names)
    assert {"__init__.py", "_coalesce.py", "urllib3_transport.py"} <= adapters  # the glob saw them
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    runtime = {
        line.split(":", 1)[1].strip().split(">")[0].split("=")[0].strip().lower()
        for line in text.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    }
    assert runtime == {"attrs", "urllib3", "pynacl"}


def test_every_public_name_resolves() -> None:
    """Each name in `pusher_core.__all__` loads (lazily) and is what its module defines."""
    import importlib

    import pusher_core

    for name in pusher_core.__all__:
        value = getattr(pusher_core, name)
        if name != "__version__":
            module = importlib.import_module(pusher_core._WHERE[name])
            assert getattr(module, name) is value, name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = pusher_core.nope


def test_nothing_imports_the_repository_folder_as_a_top_level_package() -> None:
    """Every import of a transport goes through `pusher_core.adapters` (one module identity)."""
    offenders: list[str] = []
    for folder in ("pusher_core", "adapters", "tests", "property_tests", "bench", "examples"):
        for path in (ROOT / folder).rglob("*.py"):
            if "node_modules" in path.parts:
                continue
            names = _imports(ast.parse(path.read_text(encoding="utf-8")))
            offenders.extend(
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if name == "adapters" or name.startswith("adapters.")
            )
    assert not offenders


PRIVATE_APIS = ("c_make_encoder", "scan_once", "_hashlib", "hashlib._Hash")


@pytest.mark.parametrize(
    "path", sorted([*CORE.glob("*.py"), *(ROOT / "adapters").glob("*.py")]), ids=lambda p: p.name
)
def test_no_cpython_internals_and_no_values_built_behind_attrs_back(path: Path) -> None:
    """No private CPython API; a value is built only by its own class's constructors.

    `object.__new__` appears only as `cls` in a classmethod; a slot setter only of
    a class defined in the same module, or in `_values.py`, whose
    `trusted_constructor` a module calls only for a class it defines.
    """
    source = path.read_text(encoding="utf-8")
    assert not [name for name in PRIVATE_APIS if name in source], path.name
    tree = ast.parse(source)
    own_classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "trusted_constructor"
        ):
            assert ast.unparse(node.args[0]) in own_classes, (
                f"{path.name}:{node.lineno}: a trusted constructor of another module's class"
            )
        if isinstance(node, ast.Attribute) and node.attr == "__set__" and path.name != "_values.py":
            # `Class.__dict__[name].__set__`, with Class defined here
            owner = ast.unparse(node.value)
            assert owner.split(".__dict__[", 1)[0] in own_classes, (
                f"{path.name}:{node.lineno}: a slot setter of another module's class"
            )
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        is_classmethod = any(
            isinstance(d, ast.Name) and d.id == "classmethod" for d in function.decorator_list
        )
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "__new__"
            ):
                assert is_classmethod, f"{path.name}:{node.lineno}: __new__ outside a classmethod"
                assert [ast.unparse(a) for a in node.args] == ["cls"], (
                    f"{path.name}:{node.lineno}: a trusted constructor builds only its own class"
                )


def test_lazy_exports_match_the_type_checking_imports() -> None:
    """`_EXPORTS` (runtime) and the TYPE_CHECKING imports (type checkers) list the same names."""
    import pusher_core

    tree = ast.parse((CORE / "__init__.py").read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    static = {
        node.module: tuple(sorted(alias.name for alias in node.names))
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("pusher_core")
    }
    runtime = {module: tuple(sorted(names)) for module, names in pusher_core._EXPORTS.items()}
    assert static == runtime
    names = [name for names in runtime.values() for name in names]
    assert len(names) == len(set(names)), "a name is exported twice"
    assert sorted(pusher_core.__all__) == sorted(["__version__", *names])
