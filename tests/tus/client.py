#!/usr/bin/env python3
"""gongkai's tus server driven by an independent client: tuspy (PyPI `tuspy`).

Run by tests/it/intranet_files.rs (tus_interop_with_tuspy):
    client.py ENDPOINT FILE      with TUS_COOKIE (the session cookie) and TUS_CSRF set.

Three uploads of FILE, each must end with the same bytes on the server:
  1. a full upload, every chunk with Upload-Checksum (tuspy's sha1);
  2. a resume: a few chunks, then a PATCH whose connection is cut half-way (the server keeps
     what arrived), then a new client and uploader on the same URL that asks the server for
     its offset (HEAD) and continues from there;
  3. a checksum mismatch: one PATCH with a wrong Upload-Checksum sent by hand must get 460
     and leave the offset where it was; tuspy then finishes the upload.
"""

import base64
import hashlib
import os
import socket
import sys
import time
from urllib.parse import urlsplit

import requests
from tusclient import client as tus

KIB = 1024


def main() -> None:
    endpoint, path = sys.argv[1], sys.argv[2]
    headers = {
        "Cookie": os.environ["TUS_COOKIE"],
        "X-CSRF-Token": os.environ["TUS_CSRF"],
        "Tus-Resumable": "1.0.0",
    }
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        data = f.read()

    # 1. A full upload with a checksum on every chunk.
    c = tus.TusClient(endpoint, headers=dict(headers))
    up = c.uploader(
        path,
        chunk_size=256 * KIB,
        metadata={"filename": "完整上传.bin", "filetype": "application/octet-stream"},
        upload_checksum=True,
    )
    up.upload()
    assert up.offset == size, up.offset
    print("full upload done:", up.url)

    # 2. Some chunks, then a connection cut in the middle of a PATCH.
    up = c.uploader(path, chunk_size=100 * KIB, metadata={"filename": "续传.bin"})
    up.upload(stop_at=300 * KIB)
    url = up.url
    assert up.offset == 300 * KIB, up.offset
    del up
    cut_patch(url, headers, 300 * KIB, data[300 * KIB : 400 * KIB], send=50 * KIB)
    # The server keeps what arrived once it notices the broken connection.
    offset = 0
    for _ in range(100):
        h = requests.head(url, headers=headers)
        assert h.status_code == 200, (h.status_code, h.text)
        offset = int(h.headers["Upload-Offset"])
        if offset > 300 * KIB:
            break
        time.sleep(0.1)
    assert offset == 350 * KIB, offset
    # A new client and uploader (as after a restart of the sending program). The server may
    # still be closing the broken PATCH (423 Locked) for a moment: tus clients retry.
    c2 = tus.TusClient(endpoint, headers=dict(headers))
    up2 = c2.uploader(path, url=url, chunk_size=256 * KIB, retries=20, retry_delay=1)
    assert up2.offset == 350 * KIB, up2.offset
    print("resumed from", up2.offset)
    up2.upload()
    assert up2.offset == size, up2.offset

    # 3. A wrong checksum: 460, nothing kept; then tuspy finishes.
    up = c.uploader(
        path,
        chunk_size=200 * KIB,
        metadata={"filename": "校验失败后完成.bin"},
        upload_checksum=True,
    )
    up.upload(stop_at=200 * KIB)
    url = up.url
    bad = base64.b64encode(hashlib.sha1(b"not these bytes").digest()).decode()
    r = requests.patch(
        url,
        data=data[200 * KIB : 300 * KIB],
        headers=dict(
            headers,
            **{
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(200 * KIB),
                "Upload-Checksum": "sha1 " + bad,
            },
        ),
    )
    assert r.status_code == 460, (r.status_code, r.text)
    print("checksum mismatch answered 460")
    h = requests.head(url, headers=headers)
    assert int(h.headers["Upload-Offset"]) == 200 * KIB, h.headers
    up3 = tus.TusClient(endpoint, headers=dict(headers)).uploader(
        path, url=url, chunk_size=256 * KIB, upload_checksum=True
    )
    assert up3.offset == 200 * KIB, up3.offset
    up3.upload()
    assert up3.offset == size, up3.offset
    print("all three uploads done")


def cut_patch(url: str, headers: dict, offset: int, chunk: bytes, send: int) -> None:
    """A PATCH that announces `chunk` but sends only `send` bytes, then closes the socket."""
    u = urlsplit(url)
    head = (
        f"PATCH {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        + "Content-Type: application/offset+octet-stream\r\n"
        + f"Upload-Offset: {offset}\r\nContent-Length: {len(chunk)}\r\n\r\n"
    )
    s = socket.create_connection((u.hostname, u.port or 80), timeout=10)
    s.sendall(head.encode("utf-8"))
    s.sendall(chunk[:send])
    time.sleep(0.3)
    s.close()


if __name__ == "__main__":
    main()
