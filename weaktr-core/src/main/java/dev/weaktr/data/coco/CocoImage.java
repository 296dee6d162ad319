package dev.weaktr.data.coco;

/** One entry of a COCO file's {@code images} array (only the fields the import needs). */
public record CocoImage(long id, String fileName, int width, int height) {

    /** The dataset id: the file name's last path segment without its extension (COCO's file stem). */
    public String stem() {
        String name = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
