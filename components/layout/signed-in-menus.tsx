"use client";

import dynamic from "next/dynamic";

/**
 * The header's menus for a signed-in person (their account, their wallet), in chunks of
 * their own: a visitor who is not signed in downloads neither the menus nor the dropdown
 * code under them. Rendered on the server like any component.
 */
export const UserMenu = dynamic(() => import("./user-menu").then((m) => m.UserMenu));
export const ConnectWallet = dynamic(() => import("@/components/wallet/connect-wallet").then((m) => m.ConnectWallet));
