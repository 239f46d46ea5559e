"""Scanned forms and photos: type checked by content, stored outside the static root under random names,
opened only by users whose scope covers the household, every download audited."""

from __future__ import annotations

import hashlib
import re
import secrets
import zlib
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.audit.services import audit_record
from minzheng.core.errors import PermissionDeniedError, ValidationFailed
from minzheng.core.files import var_dir
from minzheng.core.scope import covers, scope_code_for
from minzheng.registry import events
from minzheng.registry.models import Document, DocumentType, Household, Member

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: magic numbers of the accepted types; the name's extension is ignored on purpose
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def documents_dir() -> Path:
    return var_dir("documents")


#: extensions a name may keep for each type ('scan.jpeg' stays; 'poly.html' holding a JPEG becomes 'poly.jpg')
KEEP_SUFFIXES = {".pdf": {".pdf"}, ".jpg": {".jpg", ".jpeg"}, ".png": {".png"}}
#: PDF name objects that run code or programs when the file is opened: such a PDF is refused
ACTIVE_PDF_NAMES = {b"JavaScript", b"JS", b"Launch"}
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
#: what the scan may inflate from a 10 MB PDF's streams in all (a scanned page is mostly images)
PDF_SCAN_LIMIT = 64 * 1024 * 1024


def download_name(original_name: str, suffix: str) -> str:
    """The name a file is handed out under: its own stem, the extension of the type its content has."""
    path = Path(Path(original_name).name)
    if path.suffix.lower() in KEEP_SUFFIXES.get(suffix, set()):
        return path.name
    return (path.stem or "document") + suffix


def _names(data: bytes) -> set[bytes]:
    """The PDF name objects in ``data``, with their #xx escapes decoded ('/J#61vaScript' is /JavaScript)."""
    return {
        re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), n)
        for n in _PDF_NAME.findall(data)
    }


def pdf_has_active_content(data: bytes) -> bool:
    """True when the PDF names JavaScript or a launch action, in its objects or inside a compressed object stream.

    Stream contents (images, page drawings) are binary and are not read as names, or a scan's JPEG bytes would
    now and then spell '/JS'; only object streams (/ObjStm, where PDF 1.5 packs dictionaries) are inflated."""
    budget = PDF_SCAN_LIMIT
    position = 0
    for match in _PDF_STREAM.finditer(data):
        objects = _names(data[position : match.start()])
        if objects & ACTIVE_PDF_NAMES:
            return True
        position = match.end()
        if b"ObjStm" not in objects:
            continue
        if budget <= 0:
            return True  # more packed objects than any scanned form has: refused rather than half read
        try:
            inflated = zlib.decompressobj().decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        if _names(inflated) & ACTIVE_PDF_NAMES:
            return True
    return bool(_names(data[position:]) & ACTIVE_PDF_NAMES)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, suffix in SIGNATURES:
        if head.startswith(magic):
            return content_type, suffix
    return None


def document_add(
    *,
    actor: Any,
    household: Household,
    upload: IO[bytes],
    original_name: str,
    doc_type: str,
    member: Member | None = None,
) -> Document:
    """Store one file for the household; refuse anything that is not a real PDF, JPEG or PNG up to 10 MB."""
    if not actor.can(Capability.EDIT_REGISTRY):
        raise PermissionDeniedError(_("您的角色无权上传档案材料。"))
    if not covers(scope_code_for(actor), household.region_id):
        raise PermissionDeniedError(_("该记录不在您的管辖范围内。"), status=404)
    if doc_type not in DocumentType.values:
        raise ValidationFailed(_("请选择材料类型"), fields={"doc_type": [_("无效")]})
    if member is not None and member.household_id != household.pk:
        raise ValidationFailed(_("所选成员不是本户成员"))
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationFailed(_("文件不能超过 10 MB"), fields={"file": [_("文件不能超过 10 MB")]})
    if not data:
        raise ValidationFailed(_("文件是空的"), fields={"file": [_("文件是空的")]})
    kind = sniff(data[:16])
    if kind is None:
        message = _("只接受 PDF、JPEG 或 PNG 文件(按文件内容判断，改扩展名无效)")
        raise ValidationFailed(message, fields={"file": [message]})
    content_type, suffix = kind
    if content_type == "application/pdf" and pdf_has_active_content(data):
        message = _("PDF 文件含有脚本或启动程序的动作，不能上传；请打印后重新扫描，或另存为普通 PDF")
        raise ValidationFailed(message, fields={"file": [message]})
    stored_name = secrets.token_hex(20) + suffix
    path = documents_dir() / stored_name
    path.write_bytes(data)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                household=household,
                member=member,
                doc_type=doc_type,
                original_name=download_name(original_name[:200], suffix),
                stored_name=stored_name,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_by=actor,
            )
            audit_record(
                event_code=events.DOCUMENT_ADDED,
                actor=actor,
                region_code=household.region_id,
                target=household,
                new={
                    "document_id": document.pk,
                    "name": document.original_name,
                    "doc_type": doc_type,
                    "size": len(data),
                    "sha256": document.sha256,
                },
            )
    except Exception:
        path.unlink(missing_ok=True)  # no orphan file when the row could not be written
        raise
    return document


def document_open(*, actor: Any, document: Document) -> tuple[Path, Document]:
    """The file's path for a download by a user whose scope covers it; the download is audited."""
    if not actor.can(Capability.VIEW_REGISTRY) or not covers(
        scope_code_for(actor), document.household.region_id
    ):
        raise PermissionDeniedError(_("该记录不在您的管辖范围内。"), status=404)
    path = documents_dir() / document.stored_name
    if not path.is_file():
        raise ValidationFailed(_("文件已丢失，请联系管理员从备份中恢复"), status=410)
    with transaction.atomic():
        audit_record(
            event_code=events.DOCUMENT_DOWNLOADED,
            actor=actor,
            region_code=document.household.region_id,
            target=document.household,
            new={"document_id": document.pk, "name": document.original_name},
        )
    return path, document
