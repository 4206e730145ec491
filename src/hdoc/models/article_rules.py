"""What an article and its tags may be, as constants (the request parameters' rules need them without
the article models)."""

TAG_PATTERN = r"^[a-z0-9-]{2,30}$"
TAG_RULE = "2 to 30 lower-case letters, digits or hyphens"
TAGS_RULE = f"1 to 4 different tags, each {TAG_RULE}"
BODY_MAX_BYTES = 100 * 1024
ARTICLE_ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
