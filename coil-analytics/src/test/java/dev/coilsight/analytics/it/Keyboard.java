package dev.coilsight.analytics.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;

/** What a person without a mouse does on the dashboard: focus a control, press Enter. */
final class Keyboard {

    private Keyboard() {
    }

    /** Focuses the element {@code css} selects (it must take the focus) and presses Enter on it. */
    static void enterOn(WebDriver browser, String css) {
        Object focused = ((JavascriptExecutor) browser).executeScript("""
                const element = document.querySelector(arguments[0]);
                element.focus();
                return document.activeElement === element;
                """, css);
        assertThat(focused).as("%s takes the keyboard focus", css).isEqualTo(Boolean.TRUE);
        new Actions(browser).sendKeys(Keys.ENTER).perform();
    }
}
