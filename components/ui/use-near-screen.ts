"use client";

import { useEffect, useRef, useState } from "react";

/**
 * Whether the element (attach `ref`) has come within `margin` of the screen; it stays true
 * once it has. For heavy parts of a page (an editor, a chart) that load only when needed.
 */
export function useNearScreen<T extends Element>(margin = "200px") {
  const ref = useRef<T>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === "undefined") return setNear(true);
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setNear(true);
          observer.disconnect();
        }
      },
      { rootMargin: margin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [margin]);
  return { ref, near };
}
