// A wait that counts down each second (lockout, rate limit).
import { onBeforeUnmount, ref } from 'vue';

export function useCountdown() {
  const left = ref(0);
  let timer: ReturnType<typeof setInterval> | null = null;
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }
  function start(seconds: number) {
    stop();
    left.value = Math.max(0, Math.floor(seconds));
    timer = setInterval(() => {
      left.value = Math.max(0, left.value - 1);
      if (left.value === 0) stop();
    }, 1000);
  }
  onBeforeUnmount(stop);
  return { left, start, stop };
}
