"""Photos from the public: re-encoded so no metadata (GPS position above all) is kept."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError

PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def photo_without_metadata(photo: Any) -> ContentFile:
    """Re-encode an uploaded image, which drops EXIF (GPS position included).

    Only JPEG, PNG and WebP are accepted, decided by the file's content, not its name.
    """
    limit = settings.REPORT_PHOTO_MAX_BYTES
    if photo.size > limit:
        raise DomainError(
            _("照片不能超过 %(mb)d MB。") % {"mb": limit // (1024 * 1024)}, field="photo"
        )
    try:
        with Image.open(photo) as probe:
            image_format = probe.format
            probe.verify()
        photo.seek(0)
        with Image.open(photo) as image:
            if image.width * image.height > 40_000_000:
                raise DomainError(_("照片像素过多。"), field="photo")
            image = ImageOps.exif_transpose(image)
            if image_format not in PHOTO_FORMATS:
                raise DomainError(_("照片只能是 JPEG、PNG 或 WebP 格式。"), field="photo")
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            # No exif= argument: the copy carries no metadata.
            image.save(out, format=image_format, quality=85)
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DomainError(
            _("无法识别的图片，请上传 JPEG、PNG 或 WebP 照片。"), field="photo"
        ) from None
    name = f"{uuid.uuid4().hex}.{PHOTO_FORMATS[image_format]}"
    return ContentFile(out.getvalue(), name=name)
