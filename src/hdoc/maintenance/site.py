"""`hdoc site deploy`: a built website into its stage's bucket, and only what changed invalidated.

Files are compared with what the bucket holds by MD5 (S3's ETag of a single-part upload), so an
unchanged file is neither uploaded nor invalidated. Hashed assets (app-3f9a1c2b.js) are cached for a
year, HTML is revalidated on every visit, anything else for an hour.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError

LONG_CACHE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
SHORT_CACHE = "public, max-age=3600"
# A name with a content hash before its extension: index-BxK2a9Qd.js, app.3f9a1c2b.css
_HASHED = re.compile(r"[.-]([A-Za-z0-9_]{8,})\.[A-Za-z0-9]+$")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".wasm": "application/wasm",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
MAX_INVALIDATION_PATHS = 1000  # beyond this, one wildcard path costs less


class SiteError(Exception):
    """The site cannot be deployed; the message says why."""


@dataclass(frozen=True)
class SiteTarget:
    bucket: str
    distribution_id: str


@dataclass
class Deployed:
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    invalidated: list[str] = field(default_factory=list)
    invalidation_id: str | None = None


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def cache_control(key: str) -> str:
    if Path(key).suffix.lower() in (".html", ".htm"):
        return NO_CACHE
    hashed = _HASHED.search(Path(key).name)
    if hashed and any(character.isdigit() for character in hashed[1]):
        return LONG_CACHE
    return SHORT_CACHE


def site_target(cloudformation: Any, stage: str) -> SiteTarget:
    """The bucket and distribution of the stage's website stack, from its outputs."""
    stack = f"hdoc-frontend-{stage}"
    try:
        described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as error:
        raise SiteError(f"no stack {stack}: deploy frontend/template.yaml as {stack} first") from error
    outputs = {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}
    if "BucketName" not in outputs or "DistributionId" not in outputs:
        raise SiteError(f"{stack} has no BucketName and DistributionId outputs: is it hdoc's website stack?")
    return SiteTarget(bucket=outputs["BucketName"], distribution_id=outputs["DistributionId"])


def local_files(folder: Path) -> dict[str, Path]:
    """The built site's files by bucket key."""
    if not folder.is_dir():
        raise SiteError(f"{folder} is not a directory")
    files = {
        path.relative_to(folder).as_posix(): path for path in sorted(folder.rglob("*")) if path.is_file()
    }
    if "index.html" not in files:
        raise SiteError(f"{folder} has no index.html: give the folder of the built site (e.g. dist/)")
    return files


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def _remote(s3: Any, bucket: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            found[item["Key"]] = item["ETag"].strip('"')
    return found


def _paths(keys: list[str]) -> list[str]:
    paths = set()
    for key in keys:
        paths.add("/" + quote(key, safe="/~-_."))
        if key == "index.html" or key.endswith("/index.html"):
            paths.add("/" + quote(key.removesuffix("index.html"), safe="/~-_."))  # the folder's URL
    return sorted(paths)


def deploy_site(s3: Any, cloudfront: Any, target: SiteTarget, folder: Path) -> Deployed:
    """Upload what changed, delete what is gone, and invalidate exactly those paths."""
    files = local_files(folder)
    try:
        remote = _remote(s3, target.bucket)
    except ClientError as error:
        raise SiteError(f"cannot list the bucket {target.bucket}: {error}") from error
    deployed = Deployed()
    for key, path in files.items():
        if remote.get(key) == _md5(path):
            deployed.unchanged += 1
            continue
        s3.put_object(
            Bucket=target.bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=content_type(key),
            CacheControl=cache_control(key),
        )
        deployed.uploaded.append(key)
    gone = sorted(set(remote) - set(files))
    for start in range(0, len(gone), 1000):
        batch = [{"Key": key} for key in gone[start : start + 1000]]
        s3.delete_objects(Bucket=target.bucket, Delete={"Objects": batch, "Quiet": True})
    deployed.deleted = gone
    # A file seen for the first time was never cached: only replaced and deleted files are stale.
    stale = [key for key in deployed.uploaded if key in remote] + gone
    if stale:
        paths = _paths(stale)
        if len(paths) > MAX_INVALIDATION_PATHS:
            paths = ["/*"]
        answer = cloudfront.create_invalidation(
            DistributionId=target.distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": paths},
                "CallerReference": f"hdoc-site-{uuid.uuid4()}",
            },
        )
        deployed.invalidated = paths
        deployed.invalidation_id = answer["Invalidation"]["Id"]
    return deployed
