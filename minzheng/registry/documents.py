"""Scanned forms and photos: type checked by content, stored outside the static root under random names,
opened only by users whose scope covers the household, every download audited."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.audit.services import audit_record
from minzheng.core.errors import PermissionDeniedError, ValidationFailed
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
    path = Path(settings.VAR_DIR) / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    stored_name = secrets.token_hex(20) + suffix
    path = documents_dir() / stored_name
    path.write_bytes(data)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                household=household,
                member=member,
                doc_type=doc_type,
                original_name=Path(original_name).name[:200] or stored_name,
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
