"""Generated upload payloads for tests: real images, fake images and video containers."""

import io
import struct

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="PNG", size=(64, 48), colour=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def image_upload(name="me.png", fmt="PNG", size=(64, 48), content_type="image/png"):
    return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=content_type)


def box(box_type, payload=b""):
    return struct.pack(">I4s", 8 + len(payload), box_type) + payload


def mp4_bytes():
    """A structurally complete (tiny) MP4: ftyp, moov and mdat boxes."""
    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
    moov = box(b"moov", box(b"mvhd", b"\x00" * 100))
    mdat = box(b"mdat", b"\x00" * 2000)
    return ftyp + moov + mdat


def ebml_element(element_id, payload):
    size = len(payload)
    return element_id + bytes([0x01]) + size.to_bytes(7, "big") + payload


def webm_bytes():
    """An EBML header with DocType webm followed by a Segment of known size."""
    header = ebml_element(b"\x1a\x45\xdf\xa3", ebml_element(b"\x42\x82", b"webm"))
    segment = ebml_element(b"\x18\x53\x80\x67", b"\x00" * 500)
    return header + segment
