package dev.weaktr.data.check;

/**
 * One occurrence of a problem.
 *
 * @param subject the image id or file line it concerns
 * @param detail what exactly is wrong, for the user
 */
public record Finding(Problem problem, String subject, String detail) {}
