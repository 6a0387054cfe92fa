/** claw's own version, as printed by `claw --version`. */
export const VERSION = "0.1.0";
