package dev.weaktr.train;

import dev.weaktr.WeaktrException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Named training recipes ({@code --recipe}). {@link #OFFICIAL} is the published recipe of the method (made for an
 * ImageNet-pretrained DeiT-S and hours of GPU); {@link #FROM_SCRATCH} is the one the README walk-through and
 * {@code weaktr demo} use for the small {@code cpu-demo} ViT trained from random weights in CPU minutes: larger
 * learning rates, no warm-up, milder crops, gradient-norm clipping. The default follows the model: {@code cpu-demo}
 * trains from scratch, every other preset with the official recipe. Each field of a recipe stays a flag.
 */
public enum Recipe {
    OFFICIAL("official"),
    FROM_SCRATCH("from-scratch");

    private final String cliName;

    Recipe(String cliName) {
        this.cliName = cliName;
    }

    /** The name used by {@code --recipe} and recorded in run.json. */
    public String cliName() {
        return cliName;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Recipe::cliName).toList();
    }

    /** {@code --recipe NAME}; {@code null} = the model's default ({@link #defaultFor}). */
    public static Recipe resolve(String name, String model) {
        if (name == null) {
            return defaultFor(model);
        }
        for (Recipe r : values()) {
            if (r.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new WeaktrException("unknown --recipe '" + name + "'; expected one of " + names());
    }

    /** {@code cpu-demo} (no published weights, made to train from scratch) → from-scratch; DeiT/ViT presets → official. */
    public static Recipe defaultFor(String model) {
        return "cpu-demo".equals(model) ? FROM_SCRATCH : OFFICIAL;
    }
}
