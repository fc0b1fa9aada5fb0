package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/CLI.md stays true to the command: every command and flag is documented, and its example config parses. */
class DocsTest {
    static final Path DOC = Path.of("..", "docs", "CLI.md");

    @Test
    void everyCommandAndFlagIsDocumented() throws IOException {
        String doc = Files.readString(DOC);
        checkDocumented(doc, new CommandLine(new Main()));
        assertThat(doc).contains("`--verbose`");
    }

    /** Every subcommand, nested ones included ("## consensus bench" and "### consensus bench sim"), and its flags. */
    private static void checkDocumented(String doc, CommandLine parent) {
        parent.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            String qualified = sub.getCommandSpec().qualifiedName();
            assertThat(doc).as(qualified).contains("## " + qualified);
            for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp() || o.longestName().equals("--verbose")) {
                    continue;
                }
                assertThat(doc).as(qualified + " " + o.longestName()).contains("`" + o.longestName());
            }
            checkDocumented(doc, sub);
        });
    }

    @Test
    void theExampleConfigParses() throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("```\n# bftkit node configuration\n");
        assertThat(start).isNotNegative();
        String example = doc.substring(start + 4, doc.indexOf("```", start + 4));
        NodeFile f = NodeFile.parse(Path.of("node.conf"), example);
        assertThat(f.members()).hasSize(4);
        assertThat(f.instance()).isEqualTo("payments-2024-06");
        assertThat(f.listen().getPort()).isEqualTo(7001);
        assertThat(f.propose()).containsExactly("hello");
        assertThat(f.options()).containsEntry("streamlette.maxBody", "1048576");
        assertThat(f.tickStartMs()).isEqualTo(1000);
    }
}
