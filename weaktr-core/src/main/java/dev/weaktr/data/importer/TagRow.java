package dev.weaktr.data.importer;

import java.util.List;

/**
 * One image with its tags as the user gave them.
 *
 * @param image path relative to {@code --images} (tags file) or the file found (folders)
 * @param labels class names, trimmed, without duplicates; empty = a negative image
 * @param origin where it came from, for messages: "tags.csv line 7" or a file path
 */
record TagRow(String image, List<String> labels, String origin) {}
