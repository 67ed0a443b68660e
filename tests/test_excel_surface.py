"""The xlwings test double has only names the real xlwings classes have, with their signatures:
code that passes against the double calls xlwings as it is."""

import inspect

import tests.xlwings_double as double

DUNDERS = {"__getitem__", "__len__", "__iter__", "__contains__"}
DOUBLES = [cls for cls in vars(double).values() if isinstance(cls, type) and "REAL" in vars(cls)]


def public(cls: type) -> list[str]:
    return [n for n in vars(cls) if n != "REAL" and (not n.startswith("_") or n in DUNDERS)]


def shape(fn) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


def problems_of(cls: type) -> list[str]:
    real, out = cls.REAL, []
    for name in public(cls):
        mine = inspect.getattr_static(cls, name)
        theirs = inspect.getattr_static(real, name, None)
        where = f"{cls.__name__}.{name} (xlwings {real.__qualname__})"
        if theirs is None:
            out.append(f"{where}: not in xlwings")
        elif isinstance(mine, property) or not callable(mine):  # a property, or a plain (settable) attribute
            settable = not isinstance(mine, property) or mine.fset is not None
            if not isinstance(theirs, property):
                out.append(f"{where}: a property here, not in xlwings")
            elif settable and theirs.fset is None:
                out.append(f"{where}: settable here, read-only in xlwings")
        elif name not in DUNDERS and shape(mine) != shape(theirs):
            out.append(f"{where}: signature {inspect.signature(mine)} != {inspect.signature(theirs)}")
    return out


def test_the_double_covers_the_classes_cmxl_uses():
    assert {c.__name__ for c in DOUBLES} >= {"Book", "Sheets", "Sheet", "Range", "Chart", "ConditionalFormats"}


def test_every_name_of_the_double_is_xlwings_own_with_the_same_signature():
    problems = [p for cls in DOUBLES for p in problems_of(cls)]
    assert problems == []


def test_the_check_catches_a_drifted_double():
    class Drifted:
        REAL = double.Range.REAL

        def add_note(self, text, author=None): ...  # xlwings has no author argument

        def autosize(self): ...  # no such method

        @property
        def address(self):
            return ""

        @address.setter
        def address(self, value): ...  # read-only in xlwings

    assert len(problems_of(Drifted)) == 3
