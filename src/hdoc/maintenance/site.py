"""`hdoc site deploy`: a built website into its stage's bucket, and only what changed invalidated.

Files are compared with what the bucket holds by MD5 (S3's ETag of a single-part upload), so an
unchanged file is neither uploaded nor invalidated. Hashed assets (app-3f9a1c2b.js) are cached for a
year; HTML, config.json and unhashed JavaScript and CSS (the site's modules, which import each other
by name) are revalidated on every visit (a 304 when unchanged); anything else is cached for an hour.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from hdoc.site_files import rules_page, site_config

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
    suffix = Path(key).suffix.lower()
    if suffix in (".html", ".htm", ".json"):
        return NO_CACHE
    hashed = _HASHED.search(Path(key).name)
    if hashed and any(character.isdigit() for character in hashed[1]):
        return LONG_CACHE
    if suffix in (".js", ".mjs", ".css"):
        # Unhashed modules import each other by name: revalidated, so a deploy never mixes versions.
        return NO_CACHE
    return SHORT_CACHE


def stack_outputs(cloudformation: Any, stack: str, template: str) -> dict[str, str]:
    """A stack's outputs by key; SiteError naming the template to deploy when there is no stack."""
    try:
        described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as error:
        raise SiteError(f"no stack {stack}: deploy {template} as {stack} first") from error
    return {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}


def site_target(cloudformation: Any, stage: str) -> SiteTarget:
    """The bucket and distribution of the stage's website stack, from its outputs."""
    stack = f"hdoc-frontend-{stage}"
    outputs = stack_outputs(cloudformation, stack, "frontend/template.yaml")
    if "BucketName" not in outputs or "DistributionId" not in outputs:
        raise SiteError(f"{stack} has no BucketName and DistributionId outputs: is it hdoc's website stack?")
    return SiteTarget(bucket=outputs["BucketName"], distribution_id=outputs["DistributionId"])


def stage_site_config(cloudformation: Any, stage: str) -> dict[str, Any]:
    """The website's config.json for a stage, from the hdoc-backend-{stage} and
    hdoc-frontend-{stage} outputs: the API on the site's origin (/api) when the website stack
    forwards it, else the API's own URL; the hosted sign-in's domain and the website's client."""
    backend = stack_outputs(cloudformation, f"hdoc-backend-{stage}", "template.yaml")
    frontend = stack_outputs(cloudformation, f"hdoc-frontend-{stage}", "frontend/template.yaml")
    missing = [key for key in ("ApiUrl", "HostedUiDomain", "WebsiteClientId") if not backend.get(key)]
    if missing:
        raise SiteError(
            f"hdoc-backend-{stage} has no {', '.join(missing)} output: is it hdoc's backend stack?"
        )
    return site_config(
        api_base_url=frontend.get("ApiPath") or backend["ApiUrl"],
        auth_domain=f"https://{backend['HostedUiDomain']}",
        client_id=backend["WebsiteClientId"],
        stage=stage,
    )


def assemble_site(source: Path, destination: Path, config: dict[str, Any], rules_markdown: str) -> Path:
    """`source` (the site's files) copied to `destination` with the made files added: config.json
    for this stage and rules.html."""
    local_files(source)  # refuses a folder without index.html
    shutil.copytree(source, destination, dirs_exist_ok=True)
    (destination / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (destination / "rules.html").write_text(rules_page(rules_markdown), encoding="utf-8")
    return destination


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
