package dev.lockstep.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** graph and nn each had a stack walker for call sites; both now use this one. */
class CallSitesTest {
    @Test
    void namesTheFirstFrameOutsideTheLibraryWithFileLineClassAndMethod() {
        int line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
        String site = CallSites.firstOutside("dev.lockstep.graph.");
        assertEquals("CallSitesTest.java:" + line + " (CallSitesTest.namesTheFirstFrameOutsideTheLibraryWithFileLineClassAndMethod)", site);
    }

    @Test
    void framesInAnyListedPackageAreSkipped() {
        String site = CallSites.firstOutside("dev.lockstep.graph.", "org.junit.");
        // Test classes count as user code, so this frame is found before JUnit's.
        assertTrue(site.startsWith("CallSitesTest.java:"), site);
        String outside = CallSites.firstOutside("dev.lockstep.", "org.junit.", "java.", "jdk.");
        assertTrue(outside.startsWith("CallSitesTest.java:"), outside);
    }
}
