"""Readers: bytes of a published report → grid.Source. Chosen by content, not name."""

from tui.importer.grid import Refused

OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def sniff(raw):
    """'pdf' | 'docx' | 'html', or raise Refused with what to do instead."""
    head = raw[:1024]
    if raw.startswith(OLE_MAGIC):
        raise Refused("这是旧版 Word（.doc）或 WPS（.wps）文件，nianbao 无法直接读取；"
                      "请用 Word 或 WPS 打开后“另存为” .docx（或导出为 PDF）再导入")
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head[:64]:
        return "pdf"
    if raw.startswith(b"PK\x03\x04"):
        if b"word/" in raw[:65536] or b"[Content_Types].xml" in raw[:65536]:
            return "docx"
        raise Refused("这是一个压缩包，不是 Word（.docx）文件；请导入 .docx、网页（HTML）或带文字层的 PDF")
    low = head.lower()
    if b"<html" in low or b"<table" in low or b"<!doctype html" in low or b"<meta" in low or b"<body" in low:
        return "html"
    if b"<table" in raw[:200000].lower():
        return "html"
    raise Refused("无法识别的文件类型：nianbao 可以导入网页（.html）、Word（.docx）和带文字层的 PDF")


def read_source(raw, name=""):
    kind = sniff(raw)
    if kind == "pdf":
        from tui.importer.readers.pdf import read_pdf
        return read_pdf(raw)
    if kind == "docx":
        from tui.importer.readers.docx import read_docx
        return read_docx(raw)
    from tui.importer.readers.html import read_html
    return read_html(raw)
