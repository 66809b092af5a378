"""A register's files: the report package a financial entity files (a ZIP holding one folder
``{LEI}.{CON|IND}_{CC}_DORA010100_DORA_{date}_{timestamp}`` with ``META-INF/reportPackage.json``
and ``reports/`` holding ``report.json``, ``parameters.csv``, ``FilingIndicators.csv`` and the
templates' ``b_XX.XX.csv``), the same package unpacked, or a loose folder of the templates' CSVs.

A ZIP is never extracted: its members are read into memory, each within a size limit. Refused: a
file that is not a ZIP, a ZIP of ZIPs, members with an absolute path, a ``..`` part or a
backslash, symbolic links, encrypted members, more than :data:`MAX_MEMBERS` members, a member
larger than :data:`~outsourcing_risk.io.tables.TABLE_MAX_BYTES` or more compressed than
:data:`MAX_RATIO` to 1 (a zip bomb), more than one report folder, and two files whose names differ
only in case (``b_05.01.csv`` beside ``B_05.01.csv``) in a ZIP or a folder alike.
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from .errors import MissingFileError
from .tables import TABLE_MAX_BYTES, TableError, parse_table, read_bounded

__all__ = ["MAX_MEMBERS", "MAX_RATIO", "PACKAGE_MAX_BYTES", "RegisterFiles", "open_register"]

#: The most members a package may hold (a filed one holds 20).
MAX_MEMBERS = 1000
#: The most a member may be compressed (a CSV compresses 5-20 to 1; a zip bomb 1000 to 1).
MAX_RATIO = 200
#: The most all members read may hold together, uncompressed.
PACKAGE_MAX_BYTES = 256 << 20
_PACKAGE_NAME = re.compile(
    r"^(?P<lei>[A-Z0-9]{20})\.(CON|IND)_[A-Z]{2}_DORA\d+_DORA_(?P<date>\d{4}-\d{2}-\d{2})_\d+$"
)
_READ = (".csv", ".json")


@dataclass(frozen=True)
class RegisterFiles:
    """The files of one register, by their name folded to lower case."""

    label: str  # the ZIP or folder as given
    found: dict[str, str]  # folded name -> where it is, as shown in messages
    data: dict[str, bytes | Path] = field(repr=False)
    package: str = ""  # the package folder's name ("" for a loose folder)

    def raw(self, name: str) -> bytes | None:
        item = self.data.get(name.casefold())
        if item is None:
            return None
        return read_bounded(item) if isinstance(item, Path) else item

    def table(self, name: str) -> pd.DataFrame | None:
        """The template ``name`` (e.g. ``b_02.01.csv``) as text cells, None when it is absent. A
        template with a header and no rows is an empty table."""
        raw = self.raw(name)
        return None if raw is None else parse_table(raw, self.found[name.casefold()], allow_empty=True)

    def modules(self) -> tuple[str, ...]:
        """The taxonomy modules ``report.json`` extends (none for a loose folder)."""
        raw = self.raw("report.json")
        if raw is None:
            return ()
        try:
            extends = json.loads(raw.decode("utf-8-sig"))["documentInfo"]["extends"]
        except (ValueError, KeyError, TypeError):
            raise TableError(f"{self.found['report.json']} is not the JSON of an xBRL-CSV report") from None
        if not isinstance(extends, list) or not all(isinstance(x, str) for x in extends):
            raise TableError(f"{self.found['report.json']}: documentInfo.extends must be a list of texts")
        return tuple(extends)

    def parameters(self) -> dict[str, str]:
        """``parameters.csv``'s name -> value (``refPeriod``, ``baseCurrency``...), empty without it."""
        frame = self.table("parameters.csv")
        if frame is None or frame.empty or not {"name", "value"} <= set(frame.columns):
            return {}
        return dict(zip(frame["name"], frame["value"], strict=True))

    def reference_date(self) -> str:
        """The register's reference date: ``parameters.csv``'s refPeriod, else the package's name."""
        date = self.parameters().get("refPeriod", "")
        match = _PACKAGE_NAME.match(self.package)
        return date or (match.group("date") if match else "")

    def not_reported(self) -> set[str]:
        """The templates ``FilingIndicators.csv`` says are not reported (``B_07.01`` -> ``b_07.01.csv``)."""
        frame = self.table("FilingIndicators.csv")
        if frame is None or frame.empty or not {"templateID", "reported"} <= set(frame.columns):
            return set()
        return {
            f"{t.strip().casefold()}.csv"
            for t, r in zip(frame["templateID"], frame["reported"], strict=True)
            if r.strip().casefold() == "false"
        }


def open_register(source: str | Path) -> RegisterFiles:
    """The register at ``source``: a ZIP report package, or a folder (a package unpacked, or the
    templates' CSVs side by side)."""
    path = Path(source)
    if not path.exists():
        raise MissingFileError(
            f"no register at {path}: give the register's report package (.zip) or a folder of its CSV files"
        )
    if path.is_dir():
        return _folder(path)
    if not path.is_file():
        raise TableError(f"{path} is not a regular file (a device or a pipe): give a ZIP report package")
    if not zipfile.is_zipfile(path):
        raise TableError(f"{path} is not a ZIP file: give the register's report package (.zip) or a folder")
    return _zip(path)


def _folded_once(names: list[str], where: str) -> None:
    seen: dict[str, str] = {}
    for name in names:
        folded = name.casefold()
        if folded in seen and seen[folded] != name:
            raise TableError(
                f"{where} holds both {seen[folded]} and {name}: one file per template (names are read "
                "without regard to case); remove one"
            )
        seen[folded] = name


def _folder(path: Path) -> RegisterFiles:
    """A folder of the templates' CSVs, or a package unpacked (``reports/`` in it, or in its one
    subfolder)."""
    reports = path / "reports"
    base, package = path, ""
    if not any(p.name.casefold().startswith("b_") for p in path.iterdir()):
        inner = [p for p in path.iterdir() if p.is_dir() and (p / "reports").is_dir()]
        if reports.is_dir():
            base, package = reports, path.name
        elif len(inner) == 1:
            base, package = inner[0] / "reports", inner[0].name
        elif len(inner) > 1:
            raise TableError(
                f"{path} holds {len(inner)} report packages ({', '.join(sorted(p.name for p in inner))}): "
                "give one package per run"
            )
    names = [p.name for p in base.iterdir() if p.name.casefold().endswith(_READ)]
    _folded_once(names, str(base))
    data: dict[str, bytes | Path] = {n.casefold(): base / n for n in names}
    return RegisterFiles(str(path), {n.casefold(): str(base / n) for n in names}, data, package)


def _unsafe(info: zipfile.ZipInfo) -> str:
    """Why a member must not be read ("" when it may)."""
    name = info.filename
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "has an absolute path"
    if "\\" in name:
        return "has a backslash in its path"
    if ".." in PurePosixPath(name).parts:
        return "has a '..' part in its path"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link"
    if info.flag_bits & 0x1:
        return "is encrypted"
    return ""


def _members(path: Path, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise TableError(
            f"{path} holds {len(infos)} members, more than a report package ({MAX_MEMBERS} at most)"
        )
    for info in infos:
        why = _unsafe(info)
        if why:
            raise TableError(f"{path}: the member {info.filename!r} {why}: the package is refused")
    files = [i for i in infos if not i.is_dir()]
    if files and all(i.filename.casefold().endswith(".zip") for i in files):
        inner = ", ".join(PurePosixPath(i.filename).name for i in files[:3])
        raise TableError(
            f"{path} holds ZIP files ({inner}) rather than a report package: give the package itself"
        )
    return files


def _report_folder(path: Path, files: list[zipfile.ZipInfo]) -> tuple[str, str]:
    """(the folder inside the ZIP holding the templates, the package's name)."""
    parents = {PurePosixPath(i.filename).parent for i in files}
    reports = sorted(str(p) for p in parents if p.name.casefold() == "reports")
    if len(reports) > 1:
        raise TableError(
            f"{path} holds {len(reports)} report folders ({', '.join(reports)}): give one package per run"
        )
    if reports:
        folder = PurePosixPath(reports[0])
        return reports[0], folder.parent.name
    loose = sorted(
        str(p)
        for p in parents
        if any(
            PurePosixPath(i.filename).name.casefold().startswith("b_")
            for i in files
            if PurePosixPath(i.filename).parent == p
        )
    )
    if len(loose) != 1:
        raise TableError(
            f"{path} holds no reports/ folder and no one folder of b_XX.XX.csv files: is it a register?"
        )
    return loose[0], ""


def _zip(path: Path) -> RegisterFiles:
    try:
        with zipfile.ZipFile(path) as archive:
            files = _members(path, archive)
            folder, package = _report_folder(path, files)
            chosen = [
                i
                for i in files
                if str(PurePosixPath(i.filename).parent) == folder and i.filename.casefold().endswith(_READ)
            ]
            _folded_once([PurePosixPath(i.filename).name for i in chosen], f"{path} ({folder})")
            total = sum(i.file_size for i in chosen)
            if total > PACKAGE_MAX_BYTES:
                raise TableError(
                    f"{path} would unpack to {total / 1e6:,.0f} MB, more than a register ({PACKAGE_MAX_BYTES >> 20} MB at most)"
                )
            data: dict[str, bytes | Path] = {}
            found = {}
            for info in chosen:
                name = PurePosixPath(info.filename).name
                data[name.casefold()] = _member(path, archive, info)
                found[name.casefold()] = f"{path.name}:{info.filename}"
    except zipfile.BadZipFile as exc:
        raise TableError(f"{path} is a damaged ZIP file ({exc})") from None
    except (OSError, RuntimeError, NotImplementedError) as exc:  # unsupported compression, a truncated file
        raise TableError(f"cannot read {path}: {exc}") from None
    return RegisterFiles(str(path), found, data, package)


def _member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, read with a bound whatever its header says."""
    where = f"{path}: {info.filename}"
    if info.file_size > TABLE_MAX_BYTES:
        raise TableError(f"{where} is {info.file_size / 1e6:,.0f} MB, more than a template can be")
    if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise TableError(
            f"{where} is compressed {info.file_size // max(info.compress_size, 1):,} to 1: a zip bomb?"
        )
    with archive.open(info) as fh:
        raw = fh.read(TABLE_MAX_BYTES + 1)
    if len(raw) > TABLE_MAX_BYTES or len(raw) > info.file_size:
        raise TableError(f"{where} holds more than its header says: the package is refused")
    return raw
