"""The fonts of the GB/T 9704 documents (docs/documents.md, "Layout and fonts").

The standard's typefaces are commercial (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体), so the PDF embeds
the free Fandol fonts that `make fonts` unpacks from Debian's texlive-lang-chinese into
settings.DOCUMENT_FONT_DIR. An office that holds the official fonts puts them into the folder named by
DUDAO_FONT_DIR (settings.OFFICIAL_FONT_DIR): a font found there wins for its role. Where neither is
present, the family list falls back to the Noto CJK fonts of the system.

Five roles; the templates name the official font, then the Fandol family, then Noto (`family()`):

- 仿宋 (body, 3号): 仿宋_GB2312 → FandolFang;
- 小标宋 (masthead, title, bold): 方正小标宋简体 → FandolSong Bold (a face of its own, never a synthesised bold);
- 宋体 (page numbers): 宋体 → FandolSong;
- 黑体 (level-1 headings, 附件N): 黑体 → FandolHei;
- 楷体 (level-2 headings, 签发人 names): 楷体_GB2312 → FandolKai.

The files are read from disk once per process (WeasyPrint keeps them in its FontConfiguration, see
core/documents.html_to_pdf); only these folders may be read by the renderer.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings

# role → (the official font's name, the Fandol family and file, fallback families of the system, names the
# official font is known by). The CSS names the official font first, then Fandol, then the system's fonts: the
# PDF names the font it embedded (FandolFang, or 仿宋_GB2312 when the office supplied it).
ROLES: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {
    "fang": ("仿宋_GB2312", "FandolFang", "FandolFang-Regular.otf", '"Noto Serif CJK SC", serif',
             ("仿宋_GB2312", "FangSong_GB2312", "方正仿宋_GBK", "FZFangSong-Z02", "仿宋", "FangSong")),
    "title": ("方正小标宋简体", "FandolSong", "FandolSong-Bold.otf", '"Noto Serif CJK SC", serif',
              ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05", "小标宋")),
    "song": ("宋体", "FandolSong", "FandolSong-Regular.otf", '"Noto Serif CJK SC", serif',
             ("宋体", "SimSun", "方正书宋_GBK")),
    "hei": ("黑体", "FandolHei", "FandolHei-Regular.otf", '"Noto Sans CJK SC", sans-serif',
            ("黑体", "SimHei", "方正黑体_GBK", "方正黑体简体")),
    "kai": ("楷体_GB2312", "FandolKai", "FandolKai-Regular.otf", '"LXGW WenKai", "Noto Serif CJK SC", serif',
            ("楷体_GB2312", "KaiTi_GB2312", "方正楷体_GBK", "楷体", "KaiTi")),
}
FONT_SUFFIXES = (".otf", ".ttf", ".ttc")


def family(role: str) -> str:
    """The CSS font-family list of a role: the official font, Fandol, then the system's CJK fonts
    (documents/official_style.html spells the same lists out)."""
    official, fandol, _file, fallback, _names = ROLES[role]
    return f'"{official}", "{fandol}", {fallback}'


def _names(path: Path) -> set[str]:
    """The family and full names a font file declares (all languages), to recognise the official fonts."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        fonts = TTCollection(str(path), lazy=True).fonts if path.suffix.lower() == ".ttc" else [TTFont(str(path), lazy=True)]
        return {r.toUnicode().strip() for f in fonts for r in f["name"].names if r.nameID in (1, 4, 6)}
    except Exception:  # noqa: BLE001 — an unreadable file is simply not a font of ours
        return set()


@functools.lru_cache(maxsize=4)
def _official(folder: str, stamp: float) -> dict[str, Path]:
    found: dict[str, Path] = {}
    root = Path(folder)
    for path in sorted(p for p in root.iterdir() if p.suffix.lower() in FONT_SUFFIXES):
        names = _names(path)
        for role, (_name, _fandol, _file, _fallback, known) in ROLES.items():
            if role not in found and names & set(known):
                found[role] = path
    return found


def official_dir() -> Path | None:
    folder = str(getattr(settings, "OFFICIAL_FONT_DIR", "") or "")
    path = Path(folder) if folder else None
    return path.resolve() if path is not None and path.is_dir() else None


def fandol_dir() -> Path:
    return Path(settings.DOCUMENT_FONT_DIR).resolve()


def font_files() -> dict[str, Path]:
    """role → the font file used for it: the office's official font when its folder holds one, else Fandol
    when unpacked; a role missing here falls back to the system fonts of `family()`."""
    return {role: path for role, (path, _family) in faces().items()}


def faces() -> dict[str, tuple[Path, str]]:
    """role → (file, the CSS family it is declared as): the official name for an office's font, the Fandol
    family for Fandol's."""
    found: dict[str, tuple[Path, str]] = {}
    for role, (_official, fandol, filename, _fallback, _names) in ROLES.items():
        path = fandol_dir() / filename
        if path.is_file():
            found[role] = (path, fandol)
    folder = official_dir()
    if folder is not None:
        for role, path in _official(str(folder), folder.stat().st_mtime).items():
            found[role] = (path, ROLES[role][0])
    return found


def font_dirs() -> tuple[Path, ...]:
    """The only folders the PDF renderer may read (font files only)."""
    folder = official_dir()
    return (fandol_dir(), *([folder] if folder is not None else []))


def font_face_css() -> str:
    """@font-face rules for the roles whose file exists (a missing file would only log a warning on every
    render); each face is declared at normal weight: 小标宋 is a bold design of its own, never synthesised."""
    rules = []
    for role, (path, name) in faces().items():
        # 小标宋 is a heavy design of its own: its face is declared bold and the templates ask for bold, so
        # FandolSong-Bold.otf (which calls itself FandolSong at regular weight) never stands in for the regular
        # FandolSong of the page numbers, and no bold is ever synthesised.
        weight = " font-weight: bold;" if role == "title" else ""
        rules.append(f'@font-face {{ font-family: "{name}"; src: url("{path.as_uri()}");{weight} }}')
    return "\n".join(rules)


@functools.lru_cache(maxsize=32)
def pil_font(role: str, size: int):
    """A Pillow font of a role (charts): the same file as the PDF's, else a CJK font of the system."""
    from PIL import ImageFont

    path = font_files().get(role)
    candidates = [str(path)] if path else []
    candidates += ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                   "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]
    for candidate in candidates:
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size)
