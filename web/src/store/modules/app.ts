// Layout state: the side menu (collapsed on desktop, a drawer on phones) and the screen width.
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const MOBILE_MAX = 768;

export const useAppStore = defineStore('app', () => {
  const collapsed = ref(false);
  const drawerOpen = ref(false);
  const isMobile = ref(typeof window !== 'undefined' && window.innerWidth < MOBILE_MAX);

  function onResize(): void {
    isMobile.value = window.innerWidth < MOBILE_MAX;
    if (!isMobile.value) drawerOpen.value = false;
  }
  function toggleMenu(): void {
    if (isMobile.value) drawerOpen.value = !drawerOpen.value;
    else collapsed.value = !collapsed.value;
  }
  return { collapsed, drawerOpen, isMobile, onResize, toggleMenu };
});
