"""`nianbao import`: published reports (HTML, DOCX, PDF) → report files (FORMAT §4, §6).

Deterministic (no network, no language model) and never silently wrong:
every cell the importer is not sure of is written with a flag in
`[[review.import.flags]]`, which stays an `import.unconfirmed` error until a
reviewer confirms it. Imported only by the import path: lxml, python-docx
and pdfplumber never load for `check` or the workbench.
"""

from tui.importer.grid import Refused  # noqa: F401  (re-exported)

MAX_BYTES = 64 * 1024 * 1024


class Imported:
    """The outcome of one import: what was read and what was doubtful.

    `data` is the report as tomllib would read it (report, text, active,
    applications, appeals: a row not found in the source is absent), `records`
    the FORMAT §6 review records [(table, fields)] that follow it, `source_name`
    the file it came from. The importer writes nothing:
    tui.store.build.imported_text(imported) is the new file's text."""

    def __init__(self, data, records, flags, notes, form, agency, year, source_name):
        self.data = data
        self.records = records
        self.flags = flags
        self.notes = notes
        self.form = form
        self.agency = agency
        self.year = year
        self.source_name = source_name


def read_bytes(path):
    """A regular file's bytes, at most MAX_BYTES (else Refused): the shared bounded reader."""
    from tui.core.readfile import Unreadable, read_regular

    try:
        return read_regular(path, MAX_BYTES)[0]
    except Unreadable as exc:
        raise Refused(exc.reason) from None


def import_bytes(raw, source_name, *, form=None, agency=None, year=None, user="", at=None):
    """Import one source's bytes. Raises Refused with a Chinese message."""
    import hashlib

    from tui import __version__
    from tui.core.forms import all_forms, form_by_edition, form_for_year
    from tui.importer.mapping import Flag, edition_scores, map_tables
    from tui.importer.narrative import identity, is_traditional, sections
    from tui.importer.readers import read_source

    source = read_source(raw, source_name)
    texts = list(source.lines) + [source.title]
    for table in source.tables:
        for row in table.rows:
            texts.extend(c.text for c in row if c is not None)
    if is_traditional(texts):
        raise Refused("这是繁体中文文件；nianbao 只能按简体中文的表格标签读取年报。"
                      "请先转换为简体中文（如在 Word 或 WPS 中用“繁转简”）后再导入")
    ident = identity(source)
    agency = (agency or "").strip() or ident["agency"]
    year = year or ident["year"]
    if not agency:
        raise Refused("无法从文件标题中识别发布机关，请用 --agency 指定")
    if not year:
        raise Refused("无法从文件标题中识别报告年度，请用 --year 指定")
    forms = all_forms()
    if form is not None:
        chosen = form_by_edition(form) if isinstance(form, str) else form
    else:
        scores = edition_scores(forms, source.tables)
        best = max(scores.values()) if scores else 0
        top = [f for f in forms if scores.get(f.id) == best and best > 0]
        chosen = top[0] if len(top) == 1 else form_for_year(year)
    data, flags, found, notes = map_tables(chosen, source.tables)
    if not found:
        raise Refused("在文件中找不到年报的表格（二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；"
                      "四、行政复议、行政诉讼情况）。请确认这是政府信息公开工作年度报告，或改用原件的网页、"
                      "Word 或 PDF 版本")
    for section, name in (("active", "二"), ("applications", "三"), ("appeals", "四")):
        if section not in found:
            notes.append(f"未找到表{name}（{chosen.sections.get(section, section)}），其各行未写入")
    text, guessed = sections(source, chosen)
    id_flags = []
    if ident.get("agency_raw") and agency == ident["agency"]:
        id_flags.append(Flag("report.agency", agency, "fuzzy-label", ident["agency_raw"], "opening paragraph"))
    for key, printed in guessed.items():
        id_flags.append(Flag(f"text.{key}", text[key], "fuzzy-label", printed, "heading"))
    all_flags = id_flags + flags
    record = {
        "source": source_name,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "importer": f"nianbao {__version__}",
        "user": user,
        "at": at,
    }
    report = {"form": chosen.id, "agency": agency, "year": year}
    if ident["title"]:
        report["title"] = ident["title"]
    if source.published is not None:
        report["published"] = source.published
    document = {"report": report, "text": text,
                **{section: data[section] for section in ("active", "applications", "appeals") if section in data}}
    records = [("import", {k: v for k, v in record.items() if v is not None})]
    records += [("import.flags", flag.to_record()) for flag in all_flags]
    return Imported(document, records, all_flags, notes, chosen, agency, year, source_name)
