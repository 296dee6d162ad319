package dev.weaktr.data.importer;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming RFC 4180 CSV reader: fields separated by commas, optionally in double quotes; inside
 * quotes commas and line breaks are data and {@code ""} is one quote. CRLF and LF both end a record.
 * Reports the (1-based) line on which each record starts.
 */
final class CsvRecords {
    private final Reader in;
    private final String file;
    private int line = 1;
    private int recordLine;
    private int pushback = -2;

    CsvRecords(Reader in, String file) {
        this.in = in;
        this.file = file;
    }

    /** A malformed CSV record (an unbalanced quote). */
    static final class CsvException extends Exception {
        CsvException(String message) {
            super(message);
        }
    }

    /** Line of the record last returned by {@link #next()}. */
    int recordLine() {
        return recordLine;
    }

    /** The next record's fields, or null at the end of the input. */
    List<String> next() throws IOException, CsvException {
        int c = read();
        if (c == -1) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false, wasQuoted = false;
        while (true) {
            if (quoted) {
                if (c == -1) {
                    throw new CsvException(file + " line " + recordLine + ": a quoted field is not closed (missing '\"')");
                }
                if (c == '"') {
                    int d = read();
                    if (d == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        c = d;
                        continue;
                    }
                } else {
                    countLine(c);
                    field.append((char) c);
                }
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r' || c == -1) {
                if (c == '\r') {
                    int d = read();
                    if (d != '\n') {
                        unread(d);
                    }
                }
                if (c != -1) {
                    line++;
                }
                fields.add(field.toString());
                return fields;
            } else if (c == '"' && field.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == '"') {
                throw new CsvException(file + " line " + line + ": a '\"' inside an unquoted field; quote the whole field "
                        + "and double the quote (\"a \"\"b\"\"\")");
            } else {
                field.append((char) c);
            }
            c = read();
        }
    }

    private void countLine(int c) {
        if (c == '\n') {
            line++;
        }
    }

    private int read() throws IOException {
        if (pushback != -2) {
            int c = pushback;
            pushback = -2;
            return c;
        }
        return in.read();
    }

    private void unread(int c) {
        pushback = c;
    }
}
