package dev.weaktr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "check", mixinStandardHelpOptions = true, description = "placeholder")
final class DatasetCheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
