package org.cxrtriage.app.config;

import java.net.InetAddress;

/** This node's host name for lease owners and message headers: at most 50 characters, "node" when unknown. */
public final class NodeName {

    private NodeName() {
    }

    public static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.length() > 50 ? name.substring(0, 50) : name;
        } catch (Exception e) {
            return "node";
        }
    }
}
